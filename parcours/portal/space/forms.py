from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from parcours.cases.services import size_label
from parcours.lib.forms import LongTextField

TEXT_MAX_LENGTH = 5_000


class WithdrawForm(forms.Form):
    reason = LongTextField(
        label=_("Pourquoi retirez-vous votre demande ? (facultatif)"),
        help_text=_("Votre réponse nous aide à améliorer la démarche. 5 000 caractères au plus."),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": _(
                "Votre message compte %(show_value)d caractères : raccourcissez-le à "
                "%(limit_value)d caractères au plus."
            ),
        },
    )


class AnswerForm(forms.Form):
    answer = LongTextField(
        label=_("Votre réponse"),
        help_text=_("Répondez à la demande ci-dessus avec vos mots. 5 000 caractères au plus."),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Écrivez votre réponse avant de l'envoyer."),
            "max_length": _(
                "Votre réponse compte %(show_value)d caractères : raccourcissez-la à "
                "%(limit_value)d caractères au plus. Pour un long document, envoyez-le par "
                "courriel ou apportez-le au guichet."
            ),
        },
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input. Each is checked by the case service, from its content."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(AttachmentsField, self).clean(item, initial) for item in files if item]


class AnswerWithFilesForm(AnswerForm):
    files = AttachmentsField(
        label=_("Documents à joindre (facultatif)"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "PDF, JPEG ou PNG, %(size)s au plus par fichier. Vous pouvez en choisir plusieurs."
        ) % {"size": size_label(settings.PARCOURS_UPLOAD_MAX_BYTES)}
