from django import forms
from django.utils.translation import gettext_lazy as _

TEXT_MAX_LENGTH = 5_000


class LongTextField(forms.CharField):
    """A textarea whose length limit is said and checked on the server, never silently
    enforced by the browser (which would cut what the person pasted)."""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


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
