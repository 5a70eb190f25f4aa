from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.catalog.models import Procedure

from .enums import ConsentMethod
from .services import latest_end


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProcedureChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} — {obj.organisation.name}"


class MandateForm(forms.Form):
    """A mandate, filled in by the helper with the person present."""

    given_name = forms.CharField(label=_("Prénom(s) de la personne"), max_length=150)
    family_name = forms.CharField(label=_("Nom de la personne"), max_length=150)
    birth_date = forms.DateField(
        label=_("Date de naissance"), required=False, widget=DateInput(), help_text=_("Facultatif.")
    )
    email = forms.EmailField(
        label=_("Adresse électronique de la personne"),
        help_text=_("Elle y reçoit le mandat et chaque action faite pour elle."),
    )
    phone = forms.CharField(
        label=_("Téléphone portable"),
        max_length=32,
        required=False,
        help_text=_("Facultatif. Pour recevoir aussi le code et les nouvelles par SMS."),
    )
    procedures = ProcedureChoiceField(
        label=_("Démarches que vous pourrez faire pour la personne"),
        queryset=Procedure.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    all_procedures = forms.BooleanField(label=_("Toutes les démarches de la liste"), required=False)
    ends_on = forms.DateField(
        label=_("Mandat valable jusqu'au"),
        widget=DateInput(),
        help_text=_("Un an au plus à partir d'aujourd'hui."),
    )
    consent_method = forms.ChoiceField(
        label=_("Comment la personne donne son accord"),
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        initial=ConsentMethod.SIGNATURE,
    )
    signed_name = forms.CharField(
        label=_("Signature : la personne tape ses prénom et nom"),
        max_length=300,
        required=False,
        help_text=_("Seulement pour une signature à l'écran."),
    )
    agreed = forms.BooleanField(
        label=_(
            "J'autorise cet aidant à faire pour moi les démarches cochées, jusqu'à la date "
            "indiquée. Je sais que je peux révoquer ce mandat à tout moment."
        ),
        required=False,
    )
    signature = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        self.fields["procedures"].queryset = (
            Procedure.objects.published().select_related("organisation").order_by("title")
        )
        self.fields["ends_on"].initial = latest_end(today)
        self.fields["ends_on"].widget.attrs["max"] = latest_end(today).isoformat()
        self.fields["ends_on"].widget.attrs["min"] = today.isoformat()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("all_procedures"):
            cleaned["procedures"] = list(self.fields["procedures"].queryset)
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code reçu par la personne"),
        max_length=12,
        help_text=_("6 chiffres, reçus par courriel ou par SMS."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Chercher une personne"), max_length=100, required=False)
