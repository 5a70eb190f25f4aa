"""The administration's webhooks, kept by its administrators: list and create (the
secret shown once), an endpoint's page with its recent deliveries, a test event, a new
secret, pause and resume, delete. See docs/webhooks.md."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parcours.catalog.models import Procedure
from parcours.organisations.enums import AgentRole
from parcours.outbox.enums import OutboxStatus
from parcours.webhooks import services as webhooks
from parcours.webhooks.enums import WebhookEventType
from parcours.webhooks.models import WebhookEndpoint

from ..decorators import agent_required

administrator_required = agent_required(roles=[AgentRole.ORGANISATION_ADMIN])
RECENT_DELIVERIES = 30


class EndpointForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("webhook endpoint", "Nom"),
        help_text=gettext_lazy("Le système qui recevra les événements, par exemple « GRU ville »."),
        max_length=webhooks.NAME_MAX_LENGTH,
        error_messages={
            "required": gettext_lazy("Donnez un nom à ce point de réception."),
            "max_length": gettext_lazy("Le nom ne doit pas dépasser %(limit_value)d caractères."),
        },
    )
    url = forms.CharField(
        label=gettext_lazy("Adresse de réception"),
        help_text=gettext_lazy(
            "Une adresse https:// publique, par exemple https://gru.exemple.fr/parcours."
        ),
        max_length=500,
        error_messages={
            "required": gettext_lazy(
                "Indiquez l'adresse https:// du système qui recevra les événements."
            ),
            "max_length": gettext_lazy(
                "L'adresse ne doit pas dépasser %(limit_value)d caractères."
            ),
        },
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Événements envoyés"),
        choices=WebhookEventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Choisissez au moins un événement à recevoir."),
        },
    )
    procedures = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Démarches"),
        help_text=gettext_lazy("Aucune cochée : toutes les démarches de l'administration."),
        queryset=Procedure.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, organisation_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedures"].queryset = Procedure.objects.filter(
            organisation_id=organisation_id
        ).order_by("title")
        self.fields["procedures"].label_from_instance = lambda procedure: procedure.title


def _error_list(form) -> list[dict]:
    """The form's errors, each with the field it points to, for the error summary."""
    errors = []
    for name, messages_ in form.errors.items():
        if name == "__all__":
            continue
        field = form[name]
        multiple = isinstance(field.field.widget, forms.CheckboxSelectMultiple)
        anchor = f"{field.auto_id}_0" if multiple else field.auto_id
        errors.extend(
            {"anchor": anchor, "label": field.label, "message": message} for message in messages_
        )
    return errors


def _endpoints(agent):
    return WebhookEndpoint.objects.filter(organisation_id=agent.organisation_id)


@require_http_methods(["GET", "POST"])
@administrator_required
def webhook_list(request):
    agent = request.agent
    form = EndpointForm(data=request.POST or None, organisation_id=agent.organisation_id)
    created = new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, new_secret = webhooks.webhook_endpoint_create(
                by=agent,
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"].strip(),
                events=form.cleaned_data["events"],
                procedures=list(form.cleaned_data["procedures"]),
            )
        except webhooks.WebhookError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            form = EndpointForm(organisation_id=agent.organisation_id)
    endpoints = list(_endpoints(agent))
    failed = webhooks.failed_counts(endpoints)
    for endpoint in endpoints:
        endpoint.failed = failed.get(endpoint.pk, 0)
    return render(
        request,
        "backoffice/webhooks/list.html",
        {
            "form": form,
            "error_list": _error_list(form),
            "created": created,
            "new_secret": new_secret,
            "endpoints": endpoints,
        },
    )


def _deliveries(endpoint) -> list:
    rows = list(webhooks.deliveries(endpoint)[:RECENT_DELIVERIES])
    for row in rows:
        payload = (row.arguments or {}).get("payload") or {}
        row.event_type = payload.get("type", "")
        row.case_reference = ((payload.get("data") or {}).get("case") or {}).get("reference", "")
    return rows


def _detail(request, endpoint, *, new_secret=None):
    return render(
        request,
        "backoffice/webhooks/detail.html",
        {
            "endpoint": endpoint,
            "new_secret": new_secret,
            "event_labels": [
                WebhookEventType(value).label
                for value in endpoint.events
                if value in WebhookEventType.values
            ],
            "procedures": endpoint.procedures.order_by("title"),
            "deliveries": _deliveries(endpoint),
            "dead": OutboxStatus.DEAD,
            "pending": OutboxStatus.PENDING,
        },
    )


@require_GET
@administrator_required
def webhook_detail(request, pk):
    return _detail(request, get_object_or_404(_endpoints(request.agent), pk=pk))


@require_POST
@administrator_required
def webhook_ping(request, pk):
    endpoint = get_object_or_404(_endpoints(request.agent), pk=pk)
    if not endpoint.is_active:
        messages.error(request, _("Réactivez ce point de réception avant de lui envoyer un test."))
    else:
        webhooks.webhook_ping(endpoint=endpoint)
        messages.success(
            request,
            _("Un événement de test est envoyé. Son résultat apparaît dans les envois récents."),
        )
    return redirect("backoffice:webhook", pk=endpoint.pk)


@require_POST
@administrator_required
def webhook_rotate(request, pk):
    endpoint = get_object_or_404(_endpoints(request.agent), pk=pk)
    new_secret = webhooks.webhook_secret_rotate(endpoint=endpoint)
    return _detail(request, endpoint, new_secret=new_secret)


@require_POST
@administrator_required
def webhook_toggle(request, pk):
    endpoint = get_object_or_404(_endpoints(request.agent), pk=pk)
    webhooks.webhook_endpoint_set_active(endpoint=endpoint, active=not endpoint.is_active)
    if endpoint.is_active:
        messages.success(
            request, _("« %(name)s » reçoit de nouveau les événements.") % {"name": endpoint.name}
        )
    else:
        messages.success(
            request,
            _("« %(name)s » est en pause : il ne reçoit plus d'événements.")
            % {"name": endpoint.name},
        )
    return redirect("backoffice:webhook", pk=endpoint.pk)


@require_POST
@administrator_required
def webhook_delete(request, pk):
    endpoint = get_object_or_404(_endpoints(request.agent), pk=pk)
    name = endpoint.name
    webhooks.webhook_endpoint_delete(endpoint=endpoint)
    messages.success(
        request, _("Le point de réception « %(name)s » est supprimé.") % {"name": name}
    )
    return redirect("backoffice:webhooks")
