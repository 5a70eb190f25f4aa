"""The forms of the agents' appointment pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.appointments.enums import BookingChannel
from parcours.appointments.services import NOTE_MAX_LENGTH, REASON_MAX_LENGTH
from parcours.lib.forms import LongTextField
from parcours.portal.appointments.forms import TOO_LONG, DetailsForm


class AgentFilterForm(forms.Form):
    """Whose appointments to show: everyone's at the unit, or one agent's."""

    agent = forms.ChoiceField(label=_("Agent"), required=False)

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.agents = {str(agent.pk): agent for agent in agents}
        self.fields["agent"].choices = [("", _("Tous les agents du service"))] + [
            (str(agent.pk), agent.display_name) for agent in agents
        ]

    def selected(self):
        if not self.is_valid():
            return None
        return self.agents.get(self.cleaned_data.get("agent") or "")


class NoteForm(forms.Form):
    text = LongTextField(
        label=_("Note"),
        help_text=_(
            "Ce qui a été dit ou fait. La note rejoint l'historique de l'usager et, s'il y a "
            "un dossier, celui du dossier (note interne, que l'usager ne voit pas)."
        ),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Écrivez la note avant de l'enregistrer."),
            "max_length": TOO_LONG,
        },
    )


class ServiceCancelForm(forms.Form):
    reason = LongTextField(
        label=_("Motif de l'annulation"),
        help_text=_("Il est écrit à la personne dans le courriel qui la prévient."),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Indiquez le motif de l'annulation : il est dit à la personne."),
            "max_length": TOO_LONG,
        },
    )


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher l'usager"),
        help_text=_("Nom, prénom, adresse électronique ou téléphone."),
        max_length=100,
        error_messages={"required": _("Tapez un nom, une adresse ou un numéro.")},
    )


class NewPersonForm(forms.Form):
    given_name = forms.CharField(
        label=_("Prénom"), max_length=150, error_messages={"required": _("Indiquez le prénom.")}
    )
    family_name = forms.CharField(
        label=_("Nom"), max_length=150, error_messages={"required": _("Indiquez le nom.")}
    )
    phone = forms.CharField(label=_("Téléphone"), max_length=32, required=False)
    email = forms.EmailField(
        label=_("Adresse électronique"),
        required=False,
        help_text=_("Pour lui envoyer la confirmation et les rappels."),
        error_messages={
            "invalid": _("Cette adresse n'est pas valide : elle s'écrit nom@exemple.fr.")
        },
    )


class AgentBookForm(DetailsForm):
    """What the person says, typed by the agent; the confirmation goes to the person's
    address if they have one."""

    channel = forms.ChoiceField(
        label=_("La personne est"),
        choices=[
            (BookingChannel.PHONE, _("Au téléphone")),
            (BookingChannel.COUNTER, _("Au guichet")),
        ],
        widget=forms.RadioSelect,
        initial=BookingChannel.PHONE,
        error_messages={"required": _("Dites si la personne appelle ou est au guichet.")},
    )
    slot = forms.CharField(widget=forms.HiddenInput)

    field_order = ["channel", *DetailsForm.field_order]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, signed_in=True, **kwargs)
        labels = {
            "email": _("Adresse électronique de la personne (facultatif)"),
            "phone": _("Téléphone de la personne (facultatif)"),
            "reason": _("Objet du rendez-vous"),
            "needs": _("Ce dont elle a besoin"),
            "documents": _("Pièces qu'elle apportera"),
            "documents_note": _("Autres documents qu'elle apportera"),
            "accessibility_note": _("Autre chose à prévoir pour l'accueillir"),
            "remind_by_email": _("Lui envoyer un rappel par courriel"),
            "remind_by_sms": _("Elle souhaite un rappel par SMS, quand ce sera possible"),
            "case": _("Dossier concerné (facultatif)"),
        }
        for name, label in labels.items():
            if name in self.fields:
                self.fields[name].label = label
        self.fields["email"].required = False
        self.fields["email"].help_text = _("La confirmation et les rappels lui sont envoyés.")
        self.fields["reason"].help_text = _(
            "Dans les mots de la personne. 1 000 caractères au plus."
        )
        self.fields["needs"].help_text = ""

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()


def _closure_day(label, help_text, missing) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y"),
        error_messages={
            "required": missing,
            "invalid": _("Écrivez la date au format jour/mois/année, par exemple 14/07/2026."),
        },
    )


def _closure_time(label, help_text, initial, missing) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        help_text=help_text,
        initial=initial,
        error_messages={
            "required": missing,
            "invalid": _("Écrivez l'heure sous la forme 14:30."),
        },
    )


class ClosureForm(forms.Form):
    """An exceptional closure, on the unit's clocks."""

    starts_on = _closure_day(
        _("Fermé à partir du"),
        _("Au format jour/mois/année, par exemple 14/07/2026."),
        _("Indiquez le premier jour de la fermeture."),
    )
    starts_at = _closure_time(
        _("à partir de"),
        _("Par exemple 08:00 pour la journée entière."),
        "00:00",
        _("Indiquez l'heure du début."),
    )
    ends_on = _closure_day(
        _("Jusqu'au"),
        _("Au format jour/mois/année. Le jour même pour une fermeture d'une journée."),
        _("Indiquez le dernier jour de la fermeture."),
    )
    ends_at = _closure_time(
        _("jusqu'à"),
        _("Par exemple 23:59 pour la journée entière."),
        "23:59",
        _("Indiquez l'heure de la fin."),
    )
    reason = forms.CharField(
        label=_("Motif, dit aux personnes"),
        help_text=_("Par exemple « travaux » ou « formation du personnel »."),
        max_length=300,
        error_messages={
            "required": _("Indiquez le motif de la fermeture : il est dit aux personnes.")
        },
    )
