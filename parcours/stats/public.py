"""The public results pages (no sign-in) and their open data."""

import csv
import json
from pathlib import Path

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from parcours.lib.replica import use_replica
from parcours.organisations.models import Organisation

from . import charts, results, selectors
from .tables import Percent, Table

SCHEMA_PATH = Path(__file__).resolve().parent / "open_data.schema.json"


@require_GET
def index(request):
    return render(
        request,
        "stats/results_index.html",
        {"organisations": Organisation.objects.order_by("name")},
    )


def _percent(value):
    return Percent(value) if value is not None else None


@require_GET
@cache_control(public=True, max_age=300)
@use_replica  # public figures: the read replica, if there is one
def organisation_results(request, organisation):
    organisation = get_object_or_404(Organisation, slug=organisation)
    today = timezone.localdate()
    rows = results.open_data(organisation, today)
    overall = [r for r in rows if r["procedure"] is None]
    live = overall[0]
    by_procedure = [r for r in rows if r["period"] == "12m" and r["procedure"] is not None]
    period_label = {
        "12m": _("12 derniers mois"),
    }
    table = Table(
        "results",
        _("Nos résultats, par période"),
        [
            _("Période"),
            _("Demandes reçues"),
            _("Décisions dans le délai annoncé"),
            _("Délai médian (jours)"),
            _("Usagers satisfaits"),
            _("Satisfaction nette"),
            _("Rappels faits"),
            _("Expériences publiées"),
            _("Dont avec une réponse"),
        ],
        [
            [
                period_label.get(r["period"], r["period"]),
                r["cases_received"],
                _percent(r["within_commitment_rate"]),
                r["median_days_to_decision"],
                _percent(r["satisfied_rate"]),
                _percent(r["net_satisfaction"]),
                _percent(r["callbacks_made_rate"]),
                r["experiences_published"],
                r["experiences_replied"],
            ]
            for r in overall
        ],
    )
    procedures = Table(
        "procedures",
        _("Par démarche, sur les 12 derniers mois"),
        [
            _("Démarche"),
            _("Décisions"),
            _("Dans le délai annoncé"),
            _("Délai médian (jours)"),
            _("9 demandes sur 10 en (jours)"),
        ],
        [
            [
                r["procedure_title"],
                r["decisions"],
                _percent(r["within_commitment_rate"]),
                r["median_days_to_decision"],
                r["p90_days_to_decision"],
            ]
            for r in by_procedure
        ],
    )
    shown = [r for r in overall if r["period"] != "12m"][::-1]
    chart = charts.bar_chart(
        "chart-results",
        title=_("Décisions dans le délai annoncé et usagers satisfaits, par année"),
        description=_(
            "Barres pleines : part des décisions rendues dans le délai annoncé. Barres "
            "hachurées : part des usagers satisfaits. Les valeurs sont dans le tableau "
            "qui suit."
        ),
        labels=[r["period"] for r in shown],
        series=[
            charts.Series(_("Dans le délai"), [r["within_commitment_rate"] for r in shown]),
            charts.Series(_("Satisfaits"), [r["satisfied_rate"] for r in shown]),
        ],
        percent=True,
    )
    return render(
        request,
        "stats/results.html",
        {
            "organisation": organisation,
            "live": live,
            "table": table,
            "procedures": procedures,
            "chart": chart,
            "min_group": selectors.MIN_GROUP,
        },
    )


@require_GET
@cache_control(public=True, max_age=300)
@use_replica  # an export: the read replica, if there is one
def open_data_csv(request, organisation):
    organisation = get_object_or_404(Organisation, slug=organisation)
    rows = results.open_data(organisation, timezone.localdate())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="resultats-{organisation.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(results.FIELDS)
    for row in rows:
        writer.writerow(["" if row[name] is None else row[name] for name in results.FIELDS])
    return response


@require_GET
@cache_control(public=True, max_age=300)
@use_replica  # an export: the read replica, if there is one
def open_data_json(request, organisation):
    organisation = get_object_or_404(Organisation, slug=organisation)
    today = timezone.localdate()
    return JsonResponse(
        {
            "schema_version": results.SCHEMA_VERSION,
            "organisation": organisation.slug,
            "organisation_name": organisation.name,
            "generated_on": today.isoformat(),
            "min_group_size": selectors.MIN_GROUP,
            "rows": results.open_data(organisation, today),
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def schema(request):
    return HttpResponse(SCHEMA_PATH.read_bytes(), content_type="application/schema+json")


def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())
