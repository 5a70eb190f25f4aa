"""Forms of the agents' actions on a case. The rules live in the services; these forms
only say what to type, keep what was typed, and carry the services' errors back."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.cases.casework import TEXT_MAX_LENGTH
from parcours.cases.enums import DecisionOutcome
from parcours.catalog.models import Procedure
from parcours.contacts.models import TEMPLATE_PLACEHOLDERS, MessageTemplate
from parcours.contacts.services import BODY_MAX_LENGTH
from parcours.organisations.models import Agent, Unit


def _text(label, *, help_text="", required=True, rows=5, max_length=TEXT_MAX_LENGTH, missing=""):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": missing} if missing else {},
    )


class CaseMessageForm(forms.Form):
    body = _text(
        _("Votre message"),
        help_text=_(
            "Relisez et adaptez le texte : l'usager le reçoit par courriel et le lit dans "
            "son espace."
        ),
        rows=10,
        max_length=BODY_MAX_LENGTH,
        missing=_("Écrivez votre message avant de l'envoyer."),
    )
    template = forms.IntegerField(required=False, widget=forms.HiddenInput)


class InformationRequestForm(forms.Form):
    documents = forms.MultipleChoiceField(
        label=_("Pièces de la démarche à fournir"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choisissez des pièces de la liste.")},
    )
    missing = _text(
        _("Ce qui manque, en mots simples"),
        help_text=_("Par exemple : « la page 2 de votre avis d'imposition, lisible »."),
        required=False,
    )
    due_on = forms.DateField(
        label=_("Réponse attendue au plus tard le"),
        help_text=_("Au format jj/mm/aaaa, à partir de demain."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Indiquez la date limite de réponse."),
            "invalid": _("Cette date n'est pas valide : écrivez-la jj/mm/aaaa."),
        },
    )

    def __init__(self, *args, documents: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = [(d["code"], d["label"]) for d in documents]
        if not documents:
            del self.fields["documents"]

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on <= timezone.localdate():
            raise forms.ValidationError(
                _("La date limite de réponse doit être postérieure à aujourd'hui.")
            )
        return due_on


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Décision"),
        widget=forms.RadioSelect,
        choices=[
            (DecisionOutcome.ACCEPTED.value, _("Accepter la demande")),
            (DecisionOutcome.REJECTED.value, _("Refuser la demande")),
        ],
        error_messages={"required": _("Choisissez d'accepter ou de refuser la demande.")},
    )
    reasons = _text(
        _("Motifs de la décision"),
        help_text=_(
            "Obligatoires pour un refus (ils figurent dans le courrier) : les faits et les "
            "règles qui fondent la décision, en mots simples."
        ),
        required=False,
        rows=8,
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("outcome") == DecisionOutcome.REJECTED
            and not cleaned.get("reasons", "").strip()
        ):
            self.add_error("reasons", _("Un refus doit être motivé : écrivez ses motifs."))
        return cleaned


class ReasonForm(forms.Form):
    reason = _text(_("Motif"), missing=_("Écrivez le motif."))

    def __init__(self, *args, label=None, help_text="", missing="", **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text
        if missing:
            self.fields["reason"].error_messages["required"] = missing


class HandOverForm(forms.Form):
    to = forms.ModelChoiceField(
        label=_("Confier le dossier à"),
        queryset=Agent.objects.none(),
        empty_label=_("Choisissez un agent"),
        error_messages={
            "required": _("Choisissez l'agent qui suivra ce dossier."),
            "invalid_choice": _("Choisissez un agent du service dans la liste."),
        },
    )
    reason = _text(
        _("Ce que votre collègue doit savoir (facultatif)"),
        help_text=_("Enregistré dans l'historique du dossier, non visible par l'usager."),
        required=False,
        rows=4,
    )

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = agents
        self.fields["to"].label_from_instance = lambda agent: (
            f"{agent.display_name} — {agent.title}"
        )


class UnitChoiceForm(forms.Form):
    """Reroute a case, or ask another unit for its opinion."""

    unit = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Unit.objects.none(),
        empty_label=_("Choisissez un service"),
        error_messages={
            "required": _("Choisissez un service."),
            "invalid_choice": _("Choisissez un service de la liste."),
        },
    )
    text = _text(_("Motif"), missing=_("Écrivez le motif."))

    def __init__(self, *args, units, unit_label, text_label, text_help="", missing="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label = unit_label
        self.fields["text"].label = text_label
        self.fields["text"].help_text = text_help
        if missing:
            self.fields["text"].error_messages["required"] = missing


class NoteForm(forms.Form):
    text = _text(
        _("Note interne"),
        help_text=_("Visible par les agents seulement, jamais par l'usager."),
        rows=3,
        missing=_("Écrivez la note avant de l'enregistrer."),
    )


class OpinionAnswerForm(forms.Form):
    answer = _text(_("Avis de votre service"), rows=6, missing=_("Écrivez l'avis du service."))


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["title", "procedure", "body", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
        error_messages = {
            "title": {"required": _("Donnez un titre au modèle.")},
            "body": {"required": _("Écrivez le texte du modèle.")},
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = Procedure.objects.filter(
            organisation=organisation
        ).order_by("title")
        self.fields["procedure"].empty_label = _("Toutes les démarches")
        names = ", ".join("{" + name + "}" for name in TEMPLATE_PLACEHOLDERS)
        self.fields["body"].help_text = _(
            "Écrivez en mots simples. Repères remplacés à l'envoi : %(names)s."
        ) % {"names": names}
