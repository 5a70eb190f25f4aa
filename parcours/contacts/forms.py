from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.lib.forms import LongTextField

from .enums import HalfDay
from .services import BODY_MAX_LENGTH, TOPIC_MAX_LENGTH


def body_field() -> LongTextField:
    return LongTextField(
        label=_("Votre message"),
        help_text=_("Écrivez avec vos mots. 5 000 caractères au plus."),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Écrivez votre message avant de l'envoyer."),
            "max_length": _(
                "Votre message compte %(show_value)d caractères : raccourcissez-le à "
                "%(limit_value)d caractères au plus."
            ),
        },
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.organisation.name})"


class MessageForm(forms.Form):
    body = body_field()


class GeneralMessageForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Le service à qui écrire"),
        queryset=None,
        empty_label=_("Choisissez un service"),
        error_messages={"required": _("Choisissez le service à qui écrire.")},
    )
    body = body_field()

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class CallbackForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Le service qui vous rappelle"),
        queryset=None,
        empty_label=_("Choisissez un service"),
        error_messages={"required": _("Choisissez le service qui doit vous rappeler.")},
    )
    phone = forms.CharField(
        label=_("Votre numéro de téléphone"),
        help_text=_("Par exemple 06 12 34 56 78."),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": _("Indiquez le numéro auquel vous rappeler.")},
    )
    day = forms.DateField(
        label=_("Le jour souhaité"),
        help_text=_("Du lundi au vendredi, hors jours fériés, à partir de demain."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Choisissez le jour où vous souhaitez être rappelé."),
            "invalid": _("Écrivez la date sous la forme jj/mm/aaaa, par exemple 16/03/2026."),
        },
    )
    half_day = forms.ChoiceField(
        label=_("Le moment souhaité"),
        choices=[("", _("Choisissez le matin ou l'après-midi")), *HalfDay.choices],
        error_messages={"required": _("Choisissez le matin ou l'après-midi.")},
    )
    topic = LongTextField(
        label=_("L'objet de votre appel"),
        help_text=_("En quelques mots, pour que la bonne personne vous rappelle."),
        max_length=TOPIC_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Dites-nous en quelques mots pourquoi vous souhaitez être rappelé."),
            "max_length": _(
                "Votre texte compte %(show_value)d caractères : raccourcissez-le à "
                "%(limit_value)d caractères au plus."
            ),
        },
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
