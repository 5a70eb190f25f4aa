from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.cases.enums import CaseChannel
from parcours.contacts.enums import CallbackOutcome, HalfDay
from parcours.lib.forms import LongTextField

from .enums import ContactChannel, ContactDirection
from .services import ASSISTED_CHANNELS, OUTCOME_MAX_LENGTH, SUBJECT_MAX_LENGTH

DATE_INVALID = _("Écrivez la date sous la forme jj/mm/aaaa, par exemple 16/03/1984.")


class FindPersonForm(forms.Form):
    q = forms.CharField(
        label=_("Nom, courriel, téléphone ou date de naissance"),
        help_text=_("Par exemple « Durand », « 06 12 34 56 78 » ou « 16/03/1984 »."),
        max_length=200,
        required=False,
    )


class PersonForm(forms.Form):
    given_name = forms.CharField(
        label=_("Prénom(s)"),
        max_length=150,
        error_messages={"required": _("Indiquez le prénom de la personne.")},
    )
    family_name = forms.CharField(
        label=_("Nom de naissance"),
        max_length=150,
        error_messages={"required": _("Indiquez le nom de la personne.")},
    )
    birth_date = forms.DateField(
        label=_("Date de naissance"),
        help_text=_("Facultatif. Au format jj/mm/aaaa."),
        required=False,
        error_messages={"invalid": DATE_INVALID},
    )
    email = forms.EmailField(
        label=_("Adresse électronique"),
        required=False,
        error_messages={"invalid": _("Écrivez une adresse complète, par exemple nom@exemple.fr.")},
    )
    phone = forms.CharField(
        label=_("Téléphone"),
        help_text=_("Par exemple 06 12 34 56 78."),
        max_length=32,
        required=False,
    )
    street = forms.CharField(label=_("Adresse"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Code postal"), max_length=10, required=False)
    city = forms.CharField(label=_("Commune"), max_length=100, required=False)


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference} — {obj.procedure.title}"


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ContactForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Canal"),
        choices=ContactChannel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez téléphone, guichet ou courrier.")},
    )
    direction = forms.ChoiceField(
        label=_("Sens"),
        choices=ContactDirection.choices,
        initial=ContactDirection.INBOUND,
        widget=forms.RadioSelect,
    )
    occurred_at = forms.DateTimeField(
        label=_("Date et heure"),
        help_text=_("Laissez vide pour maintenant."),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        error_messages={"invalid": _("Écrivez la date et l'heure, par exemple 16/03/2026 14:30.")},
    )
    unit = UnitField(
        label=_("Service"),
        queryset=None,
        empty_label=None,
        error_messages={"required": _("Choisissez l'un de vos services.")},
    )
    subject = forms.CharField(
        label=_("Objet"),
        max_length=SUBJECT_MAX_LENGTH,
        help_text=_("En quelques mots, par exemple « Question sur la cantine »."),
        error_messages={"required": _("Indiquez l'objet de l'échange en quelques mots.")},
    )
    outcome = LongTextField(
        label=_("Suite donnée"),
        help_text=_("Facultatif. Ce qui a été répondu ou convenu."),
        max_length=OUTCOME_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    case = CaseChoiceField(
        label=_("Dossier concerné"),
        queryset=None,
        required=False,
        empty_label=_("Aucun dossier en particulier"),
    )
    scan = forms.FileField(
        label=_("Courrier numérisé (PDF)"),
        help_text=_("Pour un courrier reçu seulement."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, units, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["case"].queryset = cases


class AssistedStartForm(forms.Form):
    procedure = forms.ModelChoiceField(
        label=_("Démarche"),
        queryset=None,
        empty_label=_("Choisissez une démarche"),
        error_messages={"required": _("Choisissez la démarche.")},
    )
    channel = forms.ChoiceField(
        label=_("La demande est faite"),
        choices=[(value, CaseChannel(value).label) for value in ASSISTED_CHANNELS],
        initial=CaseChannel.COUNTER,
        widget=forms.RadioSelect,
    )
    accompanied = forms.BooleanField(
        label=_("Accompagnement : la personne est présente et remplit la demande avec moi"),
        help_text=_("Au guichet seulement. C'est noté sur la demande."),
        required=False,
    )

    def __init__(self, *args, procedures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = procedures


class AttachForm(forms.Form):
    person = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Choisissez la personne.")},
    )
    case = forms.CharField(
        label=_("Numéro de dossier"),
        help_text=_("Facultatif, par exemple 2026-SCO-000123."),
        max_length=20,
        required=False,
    )


class DismissForm(forms.Form):
    reason = LongTextField(
        label=_("Pourquoi l'écarter ?"),
        help_text=_("Par exemple « publicité » ou « envoyé par erreur »."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Dites pourquoi ce courriel est écarté.")},
    )


class MergeForm(forms.Form):
    keep = forms.ChoiceField(
        label=_("La fiche à garder"),
        help_text=_(
            "L'autre fiche lui est rattachée : dossiers, messages, rendez-vous, accords, "
            "échanges. Ses coordonnées complètent celles qui manquent."
        ),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez la fiche à garder.")},
    )
    note = LongTextField(
        label=_("Commentaire"),
        help_text=_("Facultatif. Par exemple : vérifié avec la personne au téléphone."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, first, second, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (
                str(person.pk),
                _("n° %(pk)s — %(name)s") % {"pk": person.pk, "name": person.full_name},
            )
            for person in (first, second)
        ]


class AgentCallbackForm(forms.Form):
    unit = UnitField(
        label=_("Service qui rappelle"),
        queryset=None,
        empty_label=None,
        error_messages={"required": _("Choisissez l'un de vos services.")},
    )
    phone = forms.CharField(
        label=_("Numéro à rappeler"),
        help_text=_("Par exemple 06 12 34 56 78."),
        max_length=32,
        error_messages={"required": _("Indiquez le numéro auquel rappeler.")},
    )
    day = forms.DateField(
        label=_("Jour"),
        help_text=_("Un jour d'ouverture du service, à partir de demain."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Choisissez le jour du rappel."), "invalid": DATE_INVALID},
    )
    half_day = forms.ChoiceField(
        label=_("Moment"),
        choices=HalfDay.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le matin ou l'après-midi.")},
    )
    topic = LongTextField(
        label=_("Objet de l'appel"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez l'objet de l'appel en quelques mots.")},
    )
    case = CaseChoiceField(
        label=_("Dossier concerné"),
        queryset=None,
        required=False,
        empty_label=_("Aucun dossier en particulier"),
    )

    def __init__(self, *args, units, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["case"].queryset = cases


class CallbackOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Résultat de l'appel"),
        choices=CallbackOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le résultat de l'appel.")},
    )
    note = LongTextField(
        label=_("Note"),
        help_text=_("Facultatif. Ce qui a été dit ou convenu."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_day = forms.DateField(
        label=_("Nouveau jour convenu"),
        help_text=_("Seulement pour « à rappeler un autre jour »."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_INVALID},
    )
    next_half_day = forms.ChoiceField(
        label=_("Nouveau moment"),
        choices=[("", _("Choisissez le matin ou l'après-midi")), *HalfDay.choices],
        required=False,
    )
