import re

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.lib.forms import LongTextField
from parcours.people.enums import AccessibilityNeed, IdentityField, Language
from parcours.people.services import IDENTITY_FIELDS

NOTE_MAX_LENGTH = 2_000
PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
PHONE = re.compile(r"^(0\d{9}|\+\d{8,15})$")
POSTCODE = re.compile(r"^\d{5}$")


class ProfileForm(forms.Form):
    """The citizen's profile. Identity fields are only present when the identity is not
    certified: a certified identity is shown read-only and can be disputed."""

    given_name = forms.CharField(
        label=_("Prénom(s)"),
        max_length=150,
        error_messages={"required": _("Indiquez votre prénom.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    family_name = forms.CharField(
        label=_("Nom de naissance"),
        max_length=150,
        error_messages={"required": _("Indiquez votre nom de naissance.")},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    birth_date = forms.DateField(
        label=_("Date de naissance (facultatif)"),
        help_text=_("Au format jour/mois/année, par exemple 14/07/1985."),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={
            "invalid": _("Écrivez la date au format jour/mois/année, par exemple 14/07/1985.")
        },
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"autocomplete": "bday"}),
    )
    email = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_("Par exemple nom@exemple.fr. Nous vous écrivons à cette adresse."),
        required=False,
        max_length=254,
        error_messages={
            "invalid": _(
                "Écrivez une adresse électronique complète, avec un @, par exemple nom@exemple.fr."
            )
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Téléphone"),
        help_text=_("10 chiffres, par exemple 06 12 34 56 78, ou +33 6 12 34 56 78."),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    street = forms.CharField(
        label=_("Adresse postale"),
        help_text=_("Numéro et rue, par exemple 3 rue des Lilas."),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postcode = forms.CharField(
        label=_("Code postal"),
        help_text=_("5 chiffres, par exemple 45000."),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    city = forms.CharField(
        label=_("Commune"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Langue de nos messages et de ce site"),
        choices=Language.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une langue.")},
    )
    accessibility_needs = forms.MultipleChoiceField(
        label=_("Vos besoins d'accessibilité (facultatif)"),
        help_text=_("Cochez ce qui nous aide à bien vous recevoir et à vous écrire."),
        choices=AccessibilityNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accessibility_note = LongTextField(
        label=_("Précisions sur vos besoins (facultatif)"),
        help_text=_("2 000 caractères au plus."),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _(
                "Votre texte compte %(show_value)d caractères : raccourcissez-le à "
                "%(limit_value)d caractères au plus."
            )
        },
    )
    notify_by_email = forms.BooleanField(
        label=_("Recevoir par courriel chaque nouvelle de mes dossiers"),
        required=False,
    )
    notify_by_sms = forms.BooleanField(
        label=_("Recevoir aussi les nouvelles par SMS, quand ce sera possible"),
        help_text=_(
            "Les SMS arrivent bientôt : nous n'en envoyons pas encore. Votre choix est "
            "enregistré pour ce jour-là."
        ),
        required=False,
    )

    def __init__(self, *args, identity_editable: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.identity_editable = identity_editable
        if not identity_editable:
            for name in IDENTITY_FIELDS:
                del self.fields[name]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(PHONE_SEPARATORS.sub("", phone)):
            raise forms.ValidationError(
                _(
                    "Écrivez un numéro de téléphone de 10 chiffres, par exemple 06 12 34 56 78, "
                    "ou un numéro international commençant par +."
                )
            )
        return phone

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip().replace(" ", "")
        if postcode and not POSTCODE.match(postcode):
            raise forms.ValidationError(
                _("Écrivez un code postal de 5 chiffres, par exemple 45000.")
            )
        return postcode

    def clean(self):
        data = super().clean()
        reachable = [data.get(name) for name in ("email", "phone", "street")]
        if not any(reachable) and not any(self.has_error(n) for n in ("email", "phone")):
            raise forms.ValidationError(
                _(
                    "Gardez au moins un moyen de vous joindre : une adresse électronique, un "
                    "téléphone ou une adresse postale."
                ),
                code="unreachable",
            )
        return data


class IdentityDisputeForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Quelle donnée est erronée ?"),
        choices=IdentityField.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez la donnée qui est erronée.")},
    )
    proposed_value = forms.CharField(
        label=_("La valeur exacte"),
        help_text=_("Telle qu'elle figure sur votre pièce d'identité, par exemple Marie-Anne."),
        max_length=200,
        error_messages={
            "required": _("Indiquez la valeur exacte."),
            "max_length": _("Écrivez %(limit_value)d caractères au plus."),
        },
    )
    explanation = LongTextField(
        label=_("Explication (facultatif)"),
        help_text=_("Ce qui nous aide à vérifier. 2 000 caractères au plus."),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": _(
                "Votre texte compte %(show_value)d caractères : raccourcissez-le à "
                "%(limit_value)d caractères au plus."
            )
        },
    )
