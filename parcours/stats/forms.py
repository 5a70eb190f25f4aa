import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.cases.enums import CaseChannel
from parcours.catalog.models import Procedure
from parcours.organisations.models import Unit

from .enums import Dimension

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366
DATE_ERRORS = {"invalid": _("Cette date n'est pas valide : écrivez-la jj/mm/aaaa.")}


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=DATE_ERRORS,
    )


class DashboardFilters(forms.Form):
    """The filters of the managers' dashboards, sent by GET. Invalid filters are said
    to be wrong and the others still apply; the period falls back to the last 90 days."""

    unit = forms.ModelChoiceField(
        label=_("Service"),
        required=False,
        queryset=Unit.objects.none(),
        empty_label=_("Tous mes services"),
        error_messages={"invalid_choice": _("Choisissez un service de la liste.")},
    )
    procedure = forms.ModelChoiceField(
        label=_("Démarche"),
        required=False,
        queryset=Procedure.objects.none(),
        empty_label=_("Toutes"),
        error_messages={"invalid_choice": _("Choisissez une démarche de la liste.")},
    )
    channel = forms.ChoiceField(
        label=_("Canal"),
        required=False,
        choices=[("", _("Tous")), *CaseChannel.choices],
        error_messages={"invalid_choice": _("Choisissez un canal de la liste.")},
    )
    since = _date_field(_("Du"))
    until = _date_field(_("Au"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["procedure"].queryset = Procedure.objects.filter(
            handling_unit__in=units
        ).order_by("title")

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until:
            if since > until:
                self.add_error("until", _("La fin de la période doit suivre son début."))
            elif (until - since).days > MAX_DAYS:
                self.add_error("since", _("Choisissez une période de trois ans au plus."))
        return data

    def period(self) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound else {}
        if self.errors.get("since") or self.errors.get("until"):
            data = {}
        until = data.get("until") or today
        since = data.get("since") or until - datetime.timedelta(days=DEFAULT_DAYS - 1)
        return since, until

    def value(self, name):
        if not self.is_bound or name in self.errors:
            return None
        return self.cleaned_data.get(name)


class EqualityFilters(DashboardFilters):
    dimension = forms.ChoiceField(
        label=_("Comparer selon"),
        required=False,
        choices=Dimension.choices,
        error_messages={"invalid_choice": _("Choisissez une comparaison de la liste.")},
    )

    field_order = ["dimension", "unit", "procedure", "channel", "since", "until"]
