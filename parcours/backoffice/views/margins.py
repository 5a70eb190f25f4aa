"""Margins of manoeuvre on a case (``cases.margins``), one page each, and the managers'
report of their use in a unit, with a CSV download."""

import csv
import datetime

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parcours.cases import margins
from parcours.cases.enums import CaseState
from parcours.cases.errors import CaseError
from parcours.lib.replica import use_replica
from parcours.organisations import permissions
from parcours.organisations.models import Agent

from ..decorators import agent_required, manager_required
from ..journal import journaled
from ..margin_forms import (
    ExtendDeadlineForm,
    FastTrackForm,
    MarginReportForm,
    WaiveDocumentForm,
)
from .actions import _back, _carry, _guard
from .cases import case_of


@require_http_methods(["GET", "POST"])
@agent_required
@journaled("case")
def extend_deadline(request, reference):
    case = case_of(request.agent, reference)
    if refused := _guard(request, case):
        return refused
    if case.state != CaseState.AWAITING_CITIZEN or case.citizen_due_on is None:
        messages.info(
            request,
            _(
                "Ce dossier n'attend pas de réponse de l'usager : il n'y a pas de délai à prolonger."
            ),
        )
        return _back(case)
    form = ExtendDeadlineForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = margins.case_extend_citizen_deadline(
                case=case,
                by=request.user,
                due_on=form.cleaned_data["due_on"],
                reason=form.cleaned_data["reason"],
            )
        except CaseError as error:
            _carry(form, error)
        else:
            messages.success(
                request,
                _("L'usager peut répondre jusqu'au %(date)s ; il en est informé par courriel.")
                % {"date": case.citizen_due_on.strftime("%d/%m/%Y")},
            )
            return _back(case)
    return render(request, "backoffice/cases/extend_deadline.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@agent_required
@journaled("case")
def waive_document(request, reference):
    case = case_of(request.agent, reference)
    if refused := _guard(request, case):
        return refused
    documents = margins.waivable_documents(case)
    if not documents:
        messages.info(request, _("Cette démarche ne demande aucune autre pièce à dispenser."))
        return _back(case)
    form = WaiveDocumentForm(data=request.POST or None, documents=documents)
    if request.method == "POST" and form.is_valid():
        try:
            use = margins.case_waive_document(
                case=case,
                by=request.user,
                code=form.cleaned_data["code"],
                reason=form.cleaned_data["reason"],
            )
        except CaseError as error:
            _carry(form, error)
        else:
            messages.success(
                request,
                _("L'usager est dispensé de la pièce « %(label)s ».")
                % {"label": use.details["label"]},
            )
            return _back(case)
    return render(
        request,
        "backoffice/cases/waive_document.html",
        {"case": case, "form": form, "waived": margins.waived_documents(case)},
    )


@require_http_methods(["GET", "POST"])
@agent_required
@journaled("case")
def fast_track(request, reference):
    """Put a case in distress first in its unit's queue, or back in its place."""
    case = case_of(request.agent, reference)
    if refused := _guard(request, case):
        return refused
    on = not case.fast_tracked
    form = FastTrackForm(data=request.POST or None, on=on)
    if request.method == "POST" and form.is_valid():
        try:
            margins.case_fast_track(
                case=case, by=request.user, reason=form.cleaned_data["reason"], on=on
            )
        except CaseError as error:
            _carry(form, error)
        else:
            messages.success(
                request,
                _("Le dossier passe en tête de la file du service.")
                if on
                else _("Le dossier reprend sa place dans la file du service."),
            )
            return _back(case)
    return render(
        request, "backoffice/cases/fast_track.html", {"case": case, "form": form, "on": on}
    )


@manager_required
def report(request, unit):
    """Every use of a margin in a unit over a period, with its reason, and how many per
    month, agent and kind: for support and consistency, never a ranking."""
    unit = get_object_or_404(permissions.managed_units(request.agent), slug=unit)
    agents = (
        Agent.objects.filter(organisation_id=unit.organisation_id)
        .filter(Q(pk__in=permissions.holders_of(unit).values("pk")) | Q(margin_uses__unit=unit))
        .select_related("user")
        .distinct()
        .order_by("user__last_name", "user__first_name", "pk")
    )
    form = MarginReportForm(data=request.GET or None, agents=agents)
    since, until = margins.default_period()
    kind, agent = "", None
    if form.is_bound:
        form.is_valid()  # the valid filters apply, the others are said to be wrong
        data = form.cleaned_data
        since = data.get("since") or since
        until = data.get("until") or until
        kind = data.get("kind") or ""
        agent = data.get("agent")
        if since > until:
            since, until = margins.default_period()
    uses = margins.uses_in(unit, since=since, until=until, kind=kind, agent=agent)
    if request.GET.get("format") == "csv" and not form.errors:
        with use_replica():  # an export: the read replica, if there is one
            return _report_csv(unit, uses, since=since, until=until)
    listed = list(uses)
    for use in listed:
        use.details_text = details_text(use)
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "backoffice/margins_report.html",
        {
            "unit": unit,
            "form": form,
            "since": since,
            "until": until,
            "uses": listed,
            "summary": margins.summary(uses),
            "csv_query": query.urlencode(),
        },
    )


def _report_csv(unit, uses, *, since, until) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="marges-{unit.slug}-{since.isoformat()}-{until.isoformat()}.csv"'
    )
    response.write("\ufeff")  # so that spreadsheet programs read the accents
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Date"), _("Dossier"), _("Marge"), _("Agent"), _("Motif"), _("Détails")])
    for use in uses:
        writer.writerow(
            [
                timezone.localtime(use.created_at).strftime("%d/%m/%Y %H:%M"),
                use.case.reference,
                use.get_kind_display(),
                use.agent.display_name if use.agent else "",
                _cell(use.reason),
                _cell(details_text(use)),
            ]
        )
    return response


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def details_text(use) -> str:
    details = use.details or {}
    if "to" in details:
        return _("du %(from)s au %(to)s") % {
            "from": _french_date(details.get("from", "")),
            "to": _french_date(details["to"]),
        }
    if "label" in details:
        return details["label"]
    if "template" in details:
        return details["template"]
    return ""


def _french_date(iso: str) -> str:
    try:
        return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return iso
