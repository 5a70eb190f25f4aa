import re

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.accounts.two_factor import CODE_LENGTHS, normalise_code
from parcours.cases.enums import OPEN_STATES, CaseChannel, CaseState
from parcours.cases.queue import HOLDING_REASON_MAX_LENGTH
from parcours.catalog.models import Procedure
from parcours.organisations.models import Agent, Unit


class AgentSignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse électronique professionnelle"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
        error_messages={
            "required": _("Indiquez votre adresse électronique."),
            "invalid": _("Cette adresse n'est pas valide : elle s'écrit nom@exemple.fr."),
        },
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Indiquez votre mot de passe.")},
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code à 6 chiffres"),
        help_text=_("Le code que votre application d'authentification affiche pour Parcours."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("Tapez le code affiché par votre application.")},
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if not re.fullmatch(r"\d+", code) or len(code) not in CODE_LENGTHS:
            raise forms.ValidationError(
                _("Le code compte 6 chiffres, sans lettre : par exemple 123456.")
            )
        return code


HOLDER_ALL, HOLDER_FREE, HOLDER_MINE = "", "libre", "moi"


class QueueFilterForm(forms.Form):
    """Filters of a unit's queue, read from the address (GET). They narrow what is
    listed; they never change who "take the next case" gives."""

    etat = forms.ChoiceField(
        label=_("État"),
        required=False,
        choices=[("", _("Tous les dossiers ouverts"))]
        + [(state.value, state.label) for state in map(CaseState, OPEN_STATES)],
    )
    demarche = forms.ModelChoiceField(
        label=_("Démarche"),
        required=False,
        queryset=Procedure.objects.none(),
        to_field_name="code",
        empty_label=_("Toutes les démarches"),
    )
    canal = forms.ChoiceField(
        label=_("Canal de dépôt"),
        required=False,
        choices=[("", _("Tous les canaux")), *CaseChannel.choices],
    )
    suivi = forms.ChoiceField(
        label=_("Suivi"),
        required=False,
        choices=[
            (HOLDER_ALL, _("Tous")),
            (HOLDER_FREE, _("Suivis par personne")),
            (HOLDER_MINE, _("Suivis par moi")),
        ],
    )
    en_retard = forms.BooleanField(label=_("Seulement les dossiers en retard"), required=False)

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["demarche"].queryset = Procedure.objects.filter(
            organisation_id=unit.organisation_id, handling_unit=unit
        ).order_by("title")

    def filters(self) -> dict:
        """The valid filters only: a wrong value is reported and ignored, the others apply."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", HOLDING_REASON_MAX_LENGTH)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)


class TakeForm(forms.Form):
    """Taking a given case. The reason is asked when the case is not the next one; the
    service decides whether it is (the queue may have moved since the page was shown)."""

    reason = ReasonField(
        label=_("Pourquoi prenez-vous ce dossier avant les autres ?"),
        help_text=_(
            "Par exemple : l'usager est en situation d'urgence, ou le dossier complète un "
            "dossier que vous suivez déjà. Le motif est enregistré et visible par les "
            "responsables du service."
        ),
        required=False,
    )


class ReassignForm(forms.Form):
    to = forms.ModelChoiceField(
        label=_("Confier le dossier à"),
        queryset=Agent.objects.none(),
        empty_label=_("Choisissez un agent"),
        error_messages={
            "required": _("Choisissez l'agent qui suivra ce dossier."),
            "invalid_choice": _("Choisissez un agent du service dans la liste."),
        },
    )
    reason = ReasonField(
        label=_("Motif de la réattribution"),
        help_text=_(
            "Par exemple : absence de l'agent, rééquilibrage de la charge. Le motif est "
            "enregistré dans l'historique du dossier."
        ),
        error_messages={"required": _("Dites pourquoi vous réattribuez ce dossier.")},
    )

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = agents
        self.fields["to"].label_from_instance = lambda agent: (
            f"{agent.display_name} — {agent.title}"
        )
