"""Forms of the margins of manoeuvre (``cases.margins``): each asks for a reason, kept
as typed when something is wrong."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.cases.enums import MarginKind
from parcours.cases.margins import REASON_MAX_LENGTH
from parcours.organisations.models import Agent

from .case_forms import CaseMessageForm


def _reason(label, *, help_text, missing):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": missing},
    )


_DATE_ERRORS = {
    "required": _("Indiquez la nouvelle date limite de réponse."),
    "invalid": _("Cette date n'est pas valide : écrivez-la jj/mm/aaaa."),
}


class ExtendDeadlineForm(forms.Form):
    due_on = forms.DateField(
        label=_("Nouvelle date limite de réponse de l'usager"),
        help_text=_("Au format jj/mm/aaaa, après la date actuelle."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=_DATE_ERRORS,
    )
    reason = _reason(
        _("Pourquoi prolonger ce délai ?"),
        help_text=_(
            "Enregistré dans l'historique et lu par les responsables du service ; l'usager "
            "reçoit seulement la nouvelle date."
        ),
        missing=_("Dites pourquoi vous prolongez ce délai."),
    )


class WaiveDocumentForm(forms.Form):
    code = forms.ChoiceField(
        label=_("Pièce dont l'usager est dispensé"),
        error_messages={
            "required": _("Choisissez une pièce de la liste."),
            "invalid_choice": _("Choisissez une pièce de la liste."),
        },
    )
    reason = _reason(
        _("Pourquoi dispenser de cette pièce ?"),
        help_text=_("Enregistré dans l'historique et lu par les responsables du service."),
        missing=_("Dites pourquoi vous dispensez de cette pièce."),
    )

    def __init__(self, *args, documents: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", _("Choisissez une pièce"))] + [
            (d["code"], d.get("label") or d["code"]) for d in documents
        ]


class FastTrackForm(forms.Form):
    reason = _reason(
        _("Motif"),
        help_text=_("Enregistré dans l'historique et lu par les responsables du service."),
        missing=_("Écrivez le motif."),
    )

    def __init__(self, *args, on: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        if on:
            field.label = _("En quoi la situation de l'usager est-elle urgente ?")
            field.error_messages["required"] = _("Dites pourquoi ce dossier passe en priorité.")
        else:
            field.label = _("Pourquoi ce dossier ne passe-t-il plus en priorité ?")
            field.error_messages["required"] = _(
                "Dites pourquoi ce dossier ne passe plus en priorité."
            )


class MessageWithReasonForm(CaseMessageForm):
    """The message form, with the reason asked when the text departs from its template."""

    reason = forms.CharField(
        label=_("Si vous modifiez le modèle au-delà de petites retouches : pourquoi ?"),
        help_text=_(
            "Obligatoire quand le texte s'écarte nettement du modèle. Enregistré pour les "
            "responsables du service, non envoyé à l'usager."
        ),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MarginReportForm(forms.Form):
    """The report's filters. Invalid filters fall back to the default period."""

    kind = forms.ChoiceField(
        label=_("Marge"), required=False, choices=[("", _("Toutes")), *MarginKind.choices]
    )
    agent = forms.ModelChoiceField(
        label=_("Agent"),
        required=False,
        queryset=Agent.objects.none(),
        empty_label=_("Tous"),
        error_messages={"invalid_choice": _("Choisissez un agent de la liste.")},
    )
    since = forms.DateField(
        label=_("Du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Cette date n'est pas valide : écrivez-la jj/mm/aaaa.")},
    )
    until = forms.DateField(
        label=_("Au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Cette date n'est pas valide : écrivez-la jj/mm/aaaa.")},
    )

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("La fin de la période doit suivre son début."))
        return data
