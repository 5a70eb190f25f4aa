from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.lib.forms import LongTextField

from .services import REASON_MAX_LENGTH


class EndForm(forms.Form):
    """Why a journey ends: optional for the person, needed by the referent when steps
    remain (the service says so)."""

    reason = LongTextField(
        label=_("Pourquoi (facultatif)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def error_list(form) -> list[dict]:
    """The form's errors, each with the field it points to, for the error summary."""
    return [
        {
            "anchor": form[name].auto_id if name in form.fields else "",
            "label": form.fields[name].label if name in form.fields else "",
            "message": message,
        }
        for name, errors in form.errors.items()
        if name != "__all__"
        for message in errors
    ]
