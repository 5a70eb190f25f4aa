from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.lib.forms import LongTextField
from parcours.privacy.enums import RightsRequestKind
from parcours.privacy.rights import DETAILS_MAX_LENGTH


class RightsRequestForm(forms.Form):
    """Correct, object or erase: the person's request, answered within a month."""

    organisation = forms.TypedChoiceField(
        label=_("Administration concernée"), coerce=int, required=False
    )
    kind = forms.ChoiceField(
        label=_("Votre demande"),
        choices=RightsRequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez ce que vous demandez.")},
    )
    case_reference = forms.CharField(
        label=_("Numéro du dossier concerné (facultatif)"), max_length=64, required=False
    )
    details = LongTextField(
        label=_("Précisions"),
        help_text=_("Quelles données, et ce que vous souhaitez (%(max)s caractères au plus).")
        % {"max": DETAILS_MAX_LENGTH},
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _(
                "Dites-nous en quelques mots ce que vous demandez, et sur quelles données."
            )
        },
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        people = list(people)
        if len(people) > 1:
            self.fields["organisation"].choices = [
                (person.pk, person.organisation.name) for person in people
            ]
            self.fields["organisation"].required = True
        else:
            del self.fields["organisation"]
