"""Correcting a request already sent: the procedure's own form (``StepForm``), with the
same rules as when applying, plus the person's explanation of the mistake."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.cases.services import EXPLANATION_MAX_LENGTH, SITUATION_MAX_LENGTH
from parcours.lib.forms import LongTextField
from parcours.portal.apply.forms import SITUATION_SPEC


class CorrectionForm(forms.Form):
    """What goes with the corrected answers. Its fields are prefixed ("correction-…"):
    form field names never contain a hyphen, so they cannot collide."""

    prefix = "correction"

    situation = LongTextField(
        label=SITUATION_SPEC["label"],
        help_text=_("Facultatif. 5 000 caractères au plus."),
        required=False,
        max_length=SITUATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": _(
                "Ce texte compte %(show_value)d caractères : raccourcissez-le à "
                "%(limit_value)d caractères au plus."
            ),
        },
    )
    explanation = LongTextField(
        label=_("Quelle erreur corrigez-vous ?"),
        help_text=_(
            "Obligatoire. En quelques mots, par exemple : « J'avais inversé le jour et le "
            "mois de la date de naissance. » 2 000 caractères au plus."
        ),
        max_length=EXPLANATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Expliquez en quelques mots l'erreur que vous corrigez."),
            "max_length": _(
                "Votre explication compte %(show_value)d caractères : raccourcissez-la à "
                "%(limit_value)d caractères au plus."
            ),
        },
    )

    def shown_names(self) -> set[str]:
        """The questions the page showed (a hidden input), to notice those that an answer
        makes appear."""
        return {name for name in (self.data.get(self.add_prefix("shown")) or "").split(",") if name}
