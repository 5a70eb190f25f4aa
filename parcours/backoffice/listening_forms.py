from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.listening.enums import (
    AgentFeedbackStatus,
    ComplaintChannel,
    FrictionKind,
    IdeaStatus,
    RootCause,
)
from parcours.portal.listening.forms import long_text


class ReplyForm(forms.Form):
    reply = long_text(
        _("Réponse publique du service"),
        _(
            "Publiée sous l'expérience, signée du nom du service. L'auteur est prévenu par courriel."
        ),
        rows=6,
        error_messages={"required": _("Écrivez la réponse du service.")},
    )


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("publish", _("Publier")), ("reject", _("Ne pas publier"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez de publier ou non.")},
    )
    public_body = long_text(
        _("Texte publié (facultatif)"),
        _("Pour publier une version sans les mots retenus. Vide : le texte tel qu'il est."),
        required=False,
        max_length=4_000,
        rows=6,
    )
    note = long_text(_("Motif (obligatoire pour ne pas publier)"), "", required=False, rows=2)


class ComplaintAnswerForm(forms.Form):
    response = long_text(
        _("Réponse à la personne"),
        _("Envoyée par courriel et visible dans son espace."),
        max_length=5_000,
        rows=8,
        error_messages={"required": _("Écrivez la réponse à la personne.")},
    )
    root_cause = forms.ChoiceField(
        label=_("Cause de la réclamation"),
        choices=[("", _("Choisissez")), *RootCause.choices],
        error_messages={"required": _("Choisissez la cause de la réclamation.")},
    )


class ComplaintRecordForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Reçue"),
        choices=[c for c in ComplaintChannel.choices if c[0] != ComplaintChannel.ONLINE],
        widget=forms.RadioSelect,
        error_messages={"required": _("Dites comment la réclamation a été reçue.")},
    )
    subject = forms.CharField(
        label=_("Objet"), max_length=200, error_messages={"required": _("Indiquez l'objet.")}
    )
    description = long_text(
        _("Ce que la personne rapporte"),
        _("Avec ses mots, autant que possible."),
        max_length=4_000,
        rows=6,
        error_messages={"required": _("Décrivez ce que la personne rapporte.")},
    )
    expected = long_text(_("Ce qu'elle attend (facultatif)"), "", required=False, rows=3)


class AgentFeedbackForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Nature de la difficulté"),
        choices=FrictionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez la nature de la difficulté.")},
    )
    description = long_text(
        _("Description"),
        _("Ce qui bloque, dans quelle situation, et ce qui aiderait."),
        rows=5,
        error_messages={"required": _("Décrivez la difficulté rencontrée.")},
    )


class AgentFeedbackAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Suite donnée"),
        choices=[c for c in AgentFeedbackStatus.choices if c[0] != AgentFeedbackStatus.NEW],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez la suite donnée.")},
    )
    reply = long_text(
        _("Réponse à l'agent"),
        "",
        rows=4,
        error_messages={
            "required": _("Écrivez une réponse à l'agent qui a signalé la difficulté.")
        },
    )


class IdeaStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Suite donnée"),
        choices=[c for c in IdeaStatus.choices if c[0] != IdeaStatus.PROPOSED],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez la suite donnée à l'idée.")},
    )
    reason = long_text(
        _("Réponse publiée"),
        _(
            "Obligatoire si l'idée n'est pas retenue : la raison est publiée et envoyée aux soutiens."
        ),
        required=False,
        rows=4,
    )
