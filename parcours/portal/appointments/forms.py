from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from parcours.appointments.enums import AppointmentNeed
from parcours.appointments.services import LANGUAGE_MAX_LENGTH, REASON_MAX_LENGTH
from parcours.lib.forms import LongTextField

TOO_LONG = _(
    "Votre texte compte %(show_value)d caractères : raccourcissez-le à %(limit_value)d "
    "caractères au plus."
)


def slot_label(slot) -> str:
    return f"{formats.time_format(slot.local_starts_at, 'H:i')} – " + formats.time_format(
        slot.local_ends_at, "H:i"
    )


class DetailsForm(forms.Form):
    """What the person tells us about the appointment, and, without an account, who
    they are. Fields that do not apply (no documents listed, no case, signed in) are
    removed in ``__init__``."""

    given_name = forms.CharField(
        label=_("Votre prénom"),
        max_length=150,
        error_messages={"required": _("Indiquez votre prénom.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    family_name = forms.CharField(
        label=_("Votre nom"),
        max_length=150,
        error_messages={"required": _("Indiquez votre nom.")},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        help_text=_("Par exemple nom@exemple.fr. Nous y envoyons la confirmation."),
        max_length=254,
        error_messages={
            "required": _("Indiquez votre adresse électronique : nous y envoyons la confirmation."),
            "invalid": _(
                "Écrivez une adresse électronique complète, avec un @, par exemple nom@exemple.fr."
            ),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Votre téléphone (facultatif)"),
        help_text=_("Par exemple 06 12 34 56 78. Utile si le service doit vous joindre."),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    case = forms.ChoiceField(
        label=_("Le dossier concerné (facultatif)"),
        required=False,
    )
    reason = LongTextField(
        label=_("L'objet de votre rendez-vous"),
        help_text=_(
            "En quelques mots, ce que vous voulez faire ou demander. 1 000 caractères au plus."
        ),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Dites-nous en quelques mots l'objet de votre rendez-vous."),
            "max_length": TOO_LONG,
        },
    )
    needs = forms.MultipleChoiceField(
        label=_("Ce dont vous avez besoin (facultatif)"),
        help_text=_("Cochez ce dont vous avez besoin : nous le prévoyons avant votre venue."),
        choices=AppointmentNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interpreter_language = forms.CharField(
        label=_("Langue de l'interprète (si vous en demandez un)"),
        help_text=_("Par exemple : arabe, anglais, ukrainien."),
        required=False,
        max_length=LANGUAGE_MAX_LENGTH,
    )
    accessibility_note = LongTextField(
        label=_("Autre chose à nous dire pour vous accueillir (facultatif)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )
    documents = forms.MultipleChoiceField(
        label=_("Les pièces que vous apporterez (facultatif)"),
        help_text=_(
            "Celles que demande la démarche. Apportez ce que vous avez : nous verrons ensemble le reste."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    documents_note = LongTextField(
        label=_("Autres documents que vous apporterez (facultatif)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": TOO_LONG},
    )
    remind_by_email = forms.BooleanField(
        label=_("Recevoir un rappel par courriel avant le rendez-vous"),
        required=False,
        initial=True,
    )
    remind_by_sms = forms.BooleanField(
        label=_("Recevoir aussi un rappel par SMS, quand ce sera possible"),
        help_text=_(
            "Les SMS arrivent bientôt : nous n'en envoyons pas encore. Votre choix est "
            "enregistré pour ce jour-là."
        ),
        required=False,
    )

    # The order of the page, so that the summary of errors follows it.
    field_order = [
        "reason",
        "case",
        "needs",
        "interpreter_language",
        "accessibility_note",
        "documents",
        "documents_note",
        "given_name",
        "family_name",
        "email",
        "phone",
        "remind_by_email",
        "remind_by_sms",
    ]

    def __init__(self, *args, signed_in: bool, documents=(), cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        if signed_in:
            del self.fields["given_name"]
            del self.fields["family_name"]
        if documents:
            self.fields["documents"].choices = [(label, label) for label in documents]
        else:
            del self.fields["documents"]
        self.cases = {case.reference: case for case in cases}
        if cases:
            self.fields["case"].choices = [("", _("Aucun dossier en particulier"))] + [
                (case.reference, f"{case.reference} — {case.procedure.title}") for case in cases
            ]
        else:
            del self.fields["case"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def selected_case(self):
        return self.cases.get(self.cleaned_data.get("case") or "")

    def details(self) -> dict:
        """The keyword arguments of the services, from the cleaned data."""
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "needs": data.get("needs", []),
            "interpreter_language": data.get("interpreter_language", ""),
            "accessibility_note": data.get("accessibility_note", ""),
            "documents": data.get("documents", []),
            "documents_note": data.get("documents_note", ""),
            "email": data["email"],
            "phone": data.get("phone", ""),
            "remind_by_email": data.get("remind_by_email", False),
            "remind_by_sms": data.get("remind_by_sms", False),
        }


class BookForm(DetailsForm):
    slot = forms.ChoiceField(
        label=_("L'heure du rendez-vous"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez l'heure de votre rendez-vous."),
            "invalid_choice": _(
                "Ce créneau vient d'être réservé par quelqu'un d'autre. Choisissez une autre "
                "heure ci-dessous, ou un autre jour."
            ),
        },
    )

    field_order = ["slot", *DetailsForm.field_order]

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(slot.value, slot_label(slot)) for slot in slots]


class WaitingListForm(DetailsForm):
    earliest_on = forms.DateField(
        label=_("Disponible à partir du (facultatif)"),
        help_text=_("Au format jour/mois/année, par exemple 14/07/2026."),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y"),
        error_messages={
            "invalid": _("Écrivez la date au format jour/mois/année, par exemple 14/07/2026.")
        },
    )
    latest_on = forms.DateField(
        label=_("Jusqu'au (facultatif)"),
        help_text=_("Au format jour/mois/année. Au-delà, nous ne vous proposerons plus rien."),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y"),
        error_messages={
            "invalid": _("Écrivez la date au format jour/mois/année, par exemple 14/07/2026.")
        },
    )

    field_order = ["earliest_on", "latest_on", *DetailsForm.field_order]


class MoveForm(forms.Form):
    slot = forms.CharField(
        error_messages={"required": _("Choisissez le nouveau créneau.")},
    )


class CancelForm(forms.Form):
    reason = LongTextField(
        label=_("Pourquoi annulez-vous ? (facultatif)"),
        help_text=_("Cela nous aide à mieux organiser les rendez-vous."),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )


class EmailCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Le code reçu par courriel"),
        help_text=_("Six chiffres, par exemple 123456."),
        max_length=20,
        error_messages={"required": _("Tapez le code à six chiffres reçu par courriel.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
