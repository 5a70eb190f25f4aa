"""The administration's Open311 keys, kept by its administrators: list, create (the key
is shown once, on the page that made it), revoke. See docs/open311.md."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from parcours.open311 import services as open311
from parcours.open311.models import Open311Key
from parcours.organisations.enums import AgentRole

from ..decorators import agent_required

administrator_required = agent_required(roles=[AgentRole.ORGANISATION_ADMIN])


class KeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Application qui utilisera la clé"),
        help_text=gettext_lazy("Par exemple : « Appli Bellerive dans ma rue »."),
        max_length=open311.NAME_MAX_LENGTH,
        error_messages={
            "required": gettext_lazy("Donnez un nom à la clé : l'application qui s'en servira."),
            "max_length": gettext_lazy("Le nom ne doit pas dépasser %(limit_value)d caractères."),
        },
    )


def _keys(agent):
    return Open311Key.objects.filter(organisation_id=agent.organisation_id).select_related(
        "created_by__user", "revoked_by__user"
    )


@require_http_methods(["GET", "POST"])
@administrator_required
def key_list(request):
    form = KeyForm(data=request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _record, new_key = open311.open311_key_create(
                by=request.agent, name=form.cleaned_data["name"]
            )
        except open311.Open311KeyError as error:
            form.add_error("name" if error.field == "name" else None, error.message)
        else:
            form = KeyForm()
    return render(
        request,
        "backoffice/open311/keys.html",
        {
            "form": form,
            "new_key": new_key,
            "keys": _keys(request.agent).order_by("revoked_at", "-created_at", "-pk"),
        },
    )


@require_POST
@administrator_required
def key_revoke(request, pk):
    key = get_object_or_404(_keys(request.agent), pk=pk)
    open311.open311_key_revoke(key=key, by=request.agent)
    messages.success(
        request,
        _(
            "La clé « %(name)s » est révoquée : son application ne peut plus envoyer de signalements."
        )
        % {"name": key.name},
    )
    return redirect("backoffice:open311_keys")
