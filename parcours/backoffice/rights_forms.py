"""Forms of the handling of people's requests about their data (views/rights.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.lib.forms import LongTextField
from parcours.privacy.enums import RefusalGround, RightsRequestKind, RightsRequestStatus
from parcours.privacy.handling import TEXT_MAX_LENGTH, correctable_choices

TOO_LONG = _("Soyez bref : %(limit_value)d caractères au plus.")


class RightsFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("État"),
        choices=[
            ("", _("À traiter (reçues et en cours)")),
            ("all", _("Toutes")),
            *list(RightsRequestStatus.choices),
        ],
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Demande"),
        choices=[("", _("Toutes")), *list(RightsRequestKind.choices)],
        required=False,
    )
    overdue = forms.BooleanField(label=_("En retard seulement"), required=False)


class ExtendForm(forms.Form):
    reason = LongTextField(
        label=_("Pourquoi faut-il deux mois de plus ?"),
        help_text=_(
            "La personne lira cette raison : la complexité de la demande ou le nombre de "
            "demandes reçues (RGPD, art. 12.3)."
        ),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Dites à la personne pourquoi il faut plus de temps."),
            "max_length": TOO_LONG,
        },
    )


class AcceptForm(forms.Form):
    answer = LongTextField(
        label=_("Votre réponse à la personne"),
        help_text=_("Elle la lit dans son espace et la reçoit par courriel."),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Écrivez la réponse qui sera envoyée à la personne."),
            "max_length": TOO_LONG,
        },
    )

    def __init__(self, *args, rights_request, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rights_request.kind == RightsRequestKind.CORRECTION:
            self.fields["field"] = forms.ChoiceField(
                label=_("Donnée à corriger dans la fiche de la personne (facultatif)"),
                choices=[("", _("Aucune : la réponse suffit")), *correctable_choices()],
                required=False,
            )
            self.fields["value"] = forms.CharField(
                label=_("Valeur exacte"),
                help_text=_("Une date s'écrit jj/mm/aaaa."),
                max_length=200,
                required=False,
                error_messages={"max_length": TOO_LONG},
            )
        if rights_request.kind == RightsRequestKind.ERASURE and plan is not None and plan.closed:
            self.fields["cases"] = forms.MultipleChoiceField(
                label=_("Dossiers clos à anonymiser"),
                help_text=_(
                    "Ne cochez un dossier que si aucune obligation légale n'impose de le "
                    "garder jusqu'à la fin de sa durée de conservation. Les dossiers non "
                    "cochés seront présentés à la personne comme conservés, avec leur date."
                ),
                choices=[
                    (
                        str(item["case"].pk),
                        f"{item['case'].reference} — {item['case'].procedure.title}",
                    )
                    for item in plan.closed
                ],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )


class RefuseForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Motif légal du refus"),
        choices=[("", _("Choisissez le motif")), *list(RefusalGround.choices)],
        error_messages={
            "required": _("Choisissez le motif légal du refus."),
            "invalid_choice": _("Choisissez le motif légal du refus."),
        },
    )
    explanation = LongTextField(
        label=_("Vos raisons, pour la personne"),
        help_text=_("Appliquez le motif à sa situation, simplement et sans abréviation."),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Expliquez à la personne pourquoi sa demande est refusée."),
            "max_length": TOO_LONG,
        },
    )
