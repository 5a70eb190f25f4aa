"""Forms of opening a file outside one's units, and of the agents' search."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.privacy.enums import AccessReason
from parcours.privacy.services import EXPLANATION_MAX_LENGTH

SEARCH_MAX_LENGTH = 200


class AccessReasonForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Pourquoi ouvrez-vous ce dossier ?"),
        choices=[("", _("Choisissez une raison")), *AccessReason.choices],
        error_messages={
            "required": _("Choisissez la raison de cette consultation."),
            "invalid_choice": _("Choisissez la raison de cette consultation."),
        },
    )
    explanation = forms.CharField(
        label=_("Précisez en quelques mots"),
        help_text=_(
            "La personne lira cette raison dans son espace, avec votre nom : écrivez-la "
            "simplement, sans abréviation."
        ),
        max_length=EXPLANATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Précisez en quelques mots pourquoi vous ouvrez ce dossier."),
            "max_length": _("Soyez bref : %(limit_value)d caractères au plus."),
        },
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Nom, numéro de dossier, courriel, téléphone ou mots de la demande"),
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )
