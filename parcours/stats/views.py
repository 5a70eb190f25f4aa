"""The managers' statistics pages in the agents' space: the dashboard, the equality
dashboard and the agents' load. Only unit managers and organisation administrators,
and only for the units they manage. Figures come from the daily statistics."""

import datetime

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parcours.backoffice.decorators import manager_required
from parcours.cases import queue
from parcours.commitments.selectors import at_risk_counts
from parcours.lib.replica import use_replica
from parcours.organisations import permissions
from parcours.organisations.enums import AgentRole

from . import buckets, charts, selectors
from .enums import Dimension
from .forms import DashboardFilters, EqualityFilters
from .tables import Days, Percent, Table

MAX_POINTS = 120


def _filters(request, form_class):
    units = permissions.managed_units(request.agent)
    data = request.GET.copy()
    for key in ("format", "chart"):
        data.pop(key, None)
    form = form_class(data=data or None, units=units)
    if form.is_bound:
        form.is_valid()  # the valid filters apply, the others are said to be wrong
    since, until = form.period()
    unit = form.value("unit")
    if unit is not None:
        unit_ids = [unit.pk]
    elif request.agent.role == AgentRole.ORGANISATION_ADMIN:
        unit_ids = None  # every unit, and the figures of no unit (feedback on the whole body)
    else:
        unit_ids = list(units.values_list("pk", flat=True))
    procedure = form.value("procedure")
    scope = selectors.Scope(
        organisation_id=request.agent.organisation_id,
        since=since,
        until=until,
        unit_ids=unit_ids,
        procedure_id=procedure.pk if procedure else None,
        channel=form.value("channel") or "",
    )
    return form, scope


def _csv_query(request, chart: str) -> str:
    query = request.GET.copy()
    query["format"] = "csv"
    query["chart"] = chart
    return query.urlencode()


def _short(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _month(day: datetime.date) -> str:
    return date_format(day, "YEAR_MONTH_FORMAT")


def _sampled(series: list[dict]) -> list[dict]:
    """At most MAX_POINTS days on a chart: beyond, the last day of each week."""
    if len(series) <= MAX_POINTS:
        return series
    step = -(-len(series) // MAX_POINTS)
    return series[step - 1 :: step]


def _backlog(scope) -> tuple[Table, object]:
    series = selectors.backlog_series(scope)
    table = Table(
        "backlog",
        _("Dossiers ouverts et en retard à la fin de chaque jour"),
        [_("Jour"), _("Reçus"), _("Traités"), _("Ouverts le soir"), _("Dont en retard")],
        [
            [_short(r["day"]), r["started"], r["completed"], r["backlog"], r["overdue"]]
            for r in series
        ],
    )
    shown = _sampled(series)
    chart = charts.line_chart(
        "chart-backlog",
        title=_("Dossiers en cours au fil des jours"),
        description=_(
            "Courbe pleine : dossiers ouverts à la fin de chaque jour. Courbe en tirets : "
            "dont dossiers dont la date légale de décision est passée. Les valeurs sont "
            "dans le tableau qui suit."
        ),
        labels=[r["day"].strftime("%d/%m") for r in shown],
        series=[
            charts.Series(_("Ouverts"), [r["backlog"] for r in shown]),
            charts.Series(_("En retard"), [r["overdue"] for r in shown]),
        ],
    )
    return table, chart


def _processing(scope) -> tuple[Table, object, dict]:
    figures = selectors.processing_distribution(scope)
    durations = figures["durations"]
    table = Table(
        "processing",
        _("Décisions selon leur délai, en jours (attente de l'usager exclue)"),
        [_("Délai (jours)"), _("Décisions")],
        [[b["label"], b["count"]] for b in figures["buckets"]],
    )
    chart = charts.bar_chart(
        "chart-processing",
        title=_("Répartition des délais de décision"),
        description=_(
            "Barres : nombre de décisions par tranche de délai, en jours, sans le temps "
            "passé à attendre l'usager. Médiane %(median)s jours, 90 %% des décisions en "
            "%(p90)s jours au plus."
        )
        % {
            "median": _days_text(durations.median),
            "p90": _days_text(durations.p90),
        },
        labels=[b["label"] for b in figures["buckets"]],
        series=[charts.Series(_("Décisions"), [b["count"] for b in figures["buckets"]])],
    )
    return table, chart, figures


def _days_text(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def _compliance(scope) -> tuple[Table, object]:
    months = selectors.compliance_by_month(scope)
    table = Table(
        "compliance",
        _("Décisions rendues dans le délai annoncé, par mois"),
        [_("Mois"), _("Décisions soumises à un engagement"), _("Dans le délai"), _("Part")],
        [
            [
                _month(m["month"]),
                m["with_commitment"],
                m["within_commitment"],
                Percent(m["rate"]) if m["rate"] is not None else None,
            ]
            for m in months
        ],
    )
    chart = charts.bar_chart(
        "chart-compliance",
        title=_("Engagement de délai tenu, par mois"),
        description=_(
            "Barres : part des décisions rendues dans le délai annoncé, chaque mois, de 0 "
            "à 100 %. Les valeurs sont dans le tableau qui suit."
        ),
        labels=[_month(m["month"]) for m in months],
        series=[charts.Series(_("Dans le délai"), [m["rate"] for m in months])],
        percent=True,
    )
    return table, chart


def _satisfaction(scope) -> tuple[Table, object]:
    months = selectors.satisfaction_by_month(scope)
    table = Table(
        "satisfaction",
        _("Satisfaction des usagers, par mois"),
        [_("Mois"), _("Réponses"), _("Satisfaits (4 ou 5 sur 5)"), _("Satisfaction nette")],
        [
            [
                _month(m["month"]),
                m["n"],
                Percent(m["satisfied"]) if m["satisfied"] is not None else None,
                Percent(m["net"]) if m["net"] is not None else None,
            ]
            for m in months
        ],
    )
    chart = charts.bar_chart(
        "chart-satisfaction",
        title=_("Satisfaction des usagers, par mois"),
        description=_(
            "Barres pleines : part des usagers satisfaits. Barres hachurées : satisfaction "
            "nette (satisfaits moins mécontents). Un mois de moins de %(min)s réponses "
            "n'est pas montré."
        )
        % {"min": selectors.MIN_GROUP},
        labels=[_month(m["month"]) for m in months],
        series=[
            charts.Series(_("Satisfaits"), [m["satisfied"] for m in months]),
            charts.Series(
                _("Satisfaction nette"),
                [max(m["net"], 0) if m["net"] is not None else None for m in months],
            ),
        ],
        percent=True,
    )
    return table, chart


@manager_required
def dashboard(request):
    form, scope = _filters(request, DashboardFilters)  # the managed units: the primary
    with use_replica():  # the figures: the read replica, if there is one
        backlog_table, backlog_chart = _backlog(scope)
        processing_table, processing_chart, processing = _processing(scope)
        compliance_table, compliance_chart = _compliance(scope)
        satisfaction_table, satisfaction_chart = _satisfaction(scope)
        totals = selectors.totals(scope)
    tables = {
        t.slug: t for t in (backlog_table, processing_table, compliance_table, satisfaction_table)
    }
    if request.GET.get("format") == "csv":
        table = tables.get(request.GET.get("chart", ""))
        if table is None:
            raise Http404
        return table.csv_response(f"{table.slug}-{scope.since}-{scope.until}")
    panels = [
        (backlog_table, backlog_chart),
        (processing_table, processing_chart),
        (compliance_table, compliance_chart),
        (satisfaction_table, satisfaction_chart),
    ]
    return render(
        request,
        "stats/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "totals": totals,
            "processing": processing,
            "panels": [
                {"table": t, "chart": c, "csv_query": _csv_query(request, t.slug)}
                for t, c in panels
            ],
            "min_group": selectors.MIN_GROUP,
        },
    )


def _measure_cells(measure, kind: str) -> list:
    if measure is None:
        return [None, None, None]
    if measure.suppressed:
        return [measure.n if measure.n >= selectors.MIN_GROUP else None, None, None]
    value = Percent(measure.value) if kind == "rejection" else Days(measure.value)
    if kind == "satisfaction":
        value = float(measure.value)
    return [measure.n, value, _("oui") if measure.worse else _("non")]


def _equality_table(result) -> Table:
    columns = [_("Groupe")]
    for label in result["measures"].values():
        columns += [
            _("%(measure)s : effectif") % {"measure": label},
            label,
            _("%(measure)s : nettement moins bien traité") % {"measure": label},
        ]
    rows = []
    for group in result["groups"]:
        row = [group.label]
        for key in result["measures"]:
            row += _measure_cells(group.measures.get(key), key)
        rows.append(row)
    return Table("equality", _("Comparaison des groupes"), columns, rows)


@manager_required
def equality(request):
    form, scope = _filters(request, EqualityFilters)  # the managed units: the primary
    dimension = form.value("dimension") or Dimension.CHANNEL
    with use_replica():  # the figures: the read replica, if there is one
        result = selectors.equality(scope, dimension)
    table = _equality_table(result)
    if request.GET.get("format") == "csv":
        return table.csv_response(f"egalite-{dimension}-{scope.since}-{scope.until}")
    shown = [g for g in result["groups"] if "processing" in g.measures]
    chart = charts.bar_chart(
        "chart-equality",
        title=_("Délai de décision par groupe : médiane et 90e centile"),
        description=_(
            "Barres pleines : délai médian de décision de chaque groupe, en jours. Barres "
            "hachurées : 90e centile. Un groupe de moins de %(min)s décisions n'est pas "
            "montré."
        )
        % {"min": selectors.MIN_GROUP},
        labels=[g.label for g in shown],
        series=[
            charts.Series(_("Médiane"), [g.measures["processing"].value for g in shown]),
            charts.Series(_("90e centile"), [g.measures["processing"].p90 for g in shown]),
        ],
    )
    return render(
        request,
        "stats/equality.html",
        {
            "form": form,
            "scope": scope,
            "result": result,
            "dimension_label": Dimension(dimension).label,
            "table": table,
            "chart": chart,
            "csv_query": _csv_query(request, "equality"),
            "min_group": selectors.MIN_GROUP,
            "alpha": selectors.ALPHA,
            "buckets_count": buckets.COUNT,
        },
    )


@manager_required
def load(request):
    """Open and late cases per unit and per agent, for managers to rebalance and
    support: never public, and listed by name, never ranked."""
    today = timezone.localdate()
    units = []
    for unit in permissions.managed_units(request.agent):  # the primary: a permission
        with use_replica():  # the figures: the read replica, if there is one
            at_risk = at_risk_counts(unit)
            members = list(queue.workload(unit, today=today))
            summary = queue.queue_summary(unit, today=today)
        for member in members:
            member.at_risk = at_risk.get(member.pk, 0)
        units.append(
            {
                "unit": unit,
                "summary": summary,
                "at_risk": sum(at_risk.values()),
                "members": members,
            }
        )
    return render(request, "stats/load.html", {"units": units, "today": today})
