"""Margins of manoeuvre: what an agent may do on a case beyond the usual path, each time
with a reason that is recorded (``MarginUse``), written in the case's history for
agents (an internal CaseEvent), and read by the unit's managers in a report.

* extend the date by which the citizen is asked to answer (never the legal decision
  date: that one is the law's, CRPA L231-1, not the agent's);
* waive a document the procedure asks for: it is no longer missing, nor asked again;
* fast-track a case in distress: it comes first in its unit's queue (``queue.py``);
  removing the flag needs a reason too;
* send a message whose text departs from its template beyond small edits.

Who may use them is who may act on the case (``holding.ensure_may_act``): the agent who
holds it, or a manager of its unit. The report is for support and consistency between
colleagues: never public, never a ranking.
"""

import datetime
import difflib
import re

from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.catalog.form_definition import file_field_names
from parcours.organisations.models import Agent, Unit
from parcours.organisations.selectors import agent_for

from . import clock, holding
from .enums import OPEN_STATES, CaseState, EventKind, MarginKind
from .errors import CaseError
from .models import Case, CaseEvent, Document, MarginUse

REASON_MAX_LENGTH = 2_000
# A text whose words are at least this close to its template (difflib's ratio, once
# spaces are collapsed) is the template with small edits: a name, a date, a typo.
SMALL_EDIT_RATIO = 0.9
REPORT_DEFAULT_MONTHS = 3


# ---------------------------------------------------------------------------
# Reads


def waived_codes(case: Case) -> set[str]:
    """The codes of the procedure's documents an agent waived on this case."""
    return set(
        MarginUse.objects.filter(case=case, kind=MarginKind.WAIVE_DOCUMENT).values_list(
            "details__code", flat=True
        )
    )


def waived_documents(case: Case) -> list[dict]:
    """The waived documents of a case, each as ``{"code", "label", "reason", "at"}``."""
    return [
        {
            "code": use.details.get("code", ""),
            "label": use.details.get("label", ""),
            "reason": use.reason,
            "at": use.created_at,
        }
        for use in MarginUse.objects.filter(case=case, kind=MarginKind.WAIVE_DOCUMENT).order_by(
            "created_at", "pk"
        )
    ]


def piece_labels(case: Case) -> dict[str, str]:
    """What each document of the case was given for, by ``kind_code``: the procedure's
    documents and the form's file questions; "" is any other document."""
    version = case.procedure_version
    file_questions = file_field_names(version.form_definition)
    labels = {
        field["name"]: field.get("label") or field["name"]
        for field in (version.form_definition or {}).get("fields", [])
        if isinstance(field, dict) and field.get("name") in file_questions
    }
    labels.update(
        {
            piece["code"]: piece.get("label") or piece["code"]
            for piece in version.required_documents or []
            if isinstance(piece, dict) and piece.get("code")
        }
    )
    labels[""] = _("Autre pièce")
    return labels


def missing_documents(case: Case) -> list[dict]:
    """The procedure's required documents with no file given for them and not waived."""
    given = set(Document.objects.filter(case=case).values_list("kind_code", flat=True))
    waived = waived_codes(case)
    return [
        piece
        for piece in case.procedure_version.required_documents or []
        if isinstance(piece, dict)
        and piece.get("code")
        and piece.get("required", True)
        and piece["code"] not in given
        and piece["code"] not in waived
    ]


def waivable_documents(case: Case) -> list[dict]:
    """The procedure's documents an agent may still waive on this case."""
    waived = waived_codes(case)
    return [
        piece
        for piece in case.procedure_version.required_documents or []
        if isinstance(piece, dict) and piece.get("code") and piece["code"] not in waived
    ]


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The report's period when none is asked: the last three months, today included."""
    today = today or timezone.localdate()
    month = today.month - REPORT_DEFAULT_MONTHS
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(today.day, _days_in_month(year, month))
    return datetime.date(year, month, day), today


def uses_in(
    unit: Unit,
    *,
    since: datetime.date,
    until: datetime.date,
    kind: str = "",
    agent: Agent | None = None,
) -> QuerySet[MarginUse]:
    """Every use of a margin on the unit's cases in a period (both days included)."""
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min)
    )
    uses = MarginUse.objects.filter(
        organisation_id=unit.organisation_id, unit=unit, created_at__gte=start, created_at__lt=end
    )
    if kind:
        uses = uses.filter(kind=kind)
    if agent is not None:
        uses = uses.filter(agent=agent)
    return uses.select_related("case", "agent__user").order_by("-created_at", "-pk")


def summary(uses: QuerySet[MarginUse]) -> list[dict]:
    """How many uses per month, per agent, per kind: ``{"month", "agent", "kind", "count"}``
    rows, by month then agent's name. A table for consistency, not a ranking."""
    rows = (
        uses.order_by()
        .annotate(month=TruncMonth("created_at"))
        .values("month", "agent", "kind")
        .annotate(count=Count("pk"))
    )
    agents = {
        agent.pk: agent
        for agent in Agent.objects.filter(pk__in={row["agent"] for row in rows}).select_related(
            "user"
        )
    }
    labels = dict(MarginKind.choices)
    result = [
        {
            "month": _as_date(row["month"]),
            "agent": agents.get(row["agent"]),
            "kind": row["kind"],
            "kind_label": labels.get(row["kind"], row["kind"]),
            "count": row["count"],
        }
        for row in rows
    ]
    result.sort(
        key=lambda row: (
            row["month"],
            row["agent"].display_name if row["agent"] else "",
            row["kind"],
        )
    )
    return result


# ---------------------------------------------------------------------------
# Writes


def case_extend_citizen_deadline(
    *, case: Case, by, due_on: datetime.date, reason: str, today: datetime.date | None = None
) -> Case:
    """Give the citizen more time to answer a request for information: a later date
    than the current one. The legal decision date is not moved by this (the clock is
    suspended while the citizen is awaited, and only the law sets it)."""
    today = today or timezone.localdate()
    reason = _clean_reason(reason, missing=_("Dites pourquoi vous prolongez ce délai."))
    with transaction.atomic():
        case = _lock(case)
        if case.state != CaseState.AWAITING_CITIZEN or case.citizen_due_on is None:
            raise CaseError(
                _(
                    "Ce dossier n'attend pas de réponse de l'usager : il n'y a pas de délai "
                    "à prolonger."
                )
            )
        holding.ensure_may_act(case, by)
        if not isinstance(due_on, datetime.date) or isinstance(due_on, datetime.datetime):
            raise CaseError(_("Indiquez la nouvelle date limite de réponse."), field="due_on")
        new_due_on = clock.citizen_deadline(due_on, case.unit.holiday_subdivision)
        if due_on <= today or new_due_on <= case.citizen_due_on:
            raise CaseError(
                _("La nouvelle date doit être postérieure au %(date)s, la date actuelle.")
                % {"date": case.citizen_due_on.strftime("%d/%m/%Y")},
                field="due_on",
            )
        before = case.citizen_due_on
        case.citizen_due_on = new_due_on
        case.save(update_fields=["citizen_due_on", "updated_at"])
        _use, event = _record(
            case,
            by=by,
            kind=MarginKind.EXTEND_DEADLINE,
            reason=reason,
            details={"from": before.isoformat(), "to": new_due_on.isoformat()},
        )
        from parcours.notifications.services import notify_citizen_deadline_extended

        notify_citizen_deadline_extended(event)
    return case


def case_waive_document(*, case: Case, by, code: str, reason: str) -> MarginUse:
    """Waive a document the procedure asks for, on this case: it is no longer missing,
    and it cannot be asked for again."""
    reason = _clean_reason(reason, missing=_("Dites pourquoi vous dispensez de cette pièce."))
    with transaction.atomic():
        case = _lock(case)
        _ensure_open(case)
        holding.ensure_may_act(case, by)
        labels = {
            piece.get("code"): piece.get("label", "")
            for piece in case.procedure_version.required_documents or []
            if isinstance(piece, dict) and piece.get("code")
        }
        if code not in labels:
            raise CaseError(_("Choisissez une pièce de la liste."), field="code")
        if code in waived_codes(case):
            raise CaseError(_("Cette pièce est déjà dispensée."), field="code")
        use, _event = _record(
            case,
            by=by,
            kind=MarginKind.WAIVE_DOCUMENT,
            reason=reason,
            details={"code": code, "label": labels[code]},
        )
    return use


def case_fast_track(*, case: Case, by, reason: str, on: bool = True) -> Case:
    """Put a case in distress first in its unit's queue (``on``), or back in its place."""
    reason = _clean_reason(
        reason,
        missing=_("Dites pourquoi ce dossier passe en priorité.")
        if on
        else _("Dites pourquoi ce dossier ne passe plus en priorité."),
    )
    with transaction.atomic():
        case = _lock(case)
        _ensure_open(case)
        holding.ensure_may_act(case, by)
        if case.fast_tracked == on:
            raise CaseError(
                _("Ce dossier est déjà traité en priorité.")
                if on
                else _("Ce dossier n'est pas traité en priorité.")
            )
        case.fast_tracked = on
        case.save(update_fields=["fast_tracked", "updated_at"])
        _record(
            case,
            by=by,
            kind=MarginKind.FAST_TRACK if on else MarginKind.FAST_TRACK_REMOVED,
            reason=reason,
        )
    return case


def departs_from_template(body: str, template_text: str) -> bool:
    """Does a message's text change its template beyond small edits (spaces aside, less
    than ``SMALL_EDIT_RATIO`` alike)?"""
    written, rendered = _words(body), _words(template_text)
    if written == rendered:
        return False
    return difflib.SequenceMatcher(None, rendered, written).ratio() < SMALL_EDIT_RATIO


def message_send_from_template(*, case: Case, by, body: str, template=None, reason: str = ""):
    """Send a message to the citizen (``contacts.services.message_send_to_citizen``);
    when its text departs from the template it started from, the agent says why, and
    the change is recorded with the message."""
    from parcours.contacts import services as contacts

    if template is None:
        return contacts.message_send_to_citizen(case=case, by=by, body=body)
    rendered = contacts.template_fill(template, case=case, agent=agent_for(by))
    overridden = departs_from_template(body or "", rendered)
    if overridden:
        reason = _clean_reason(
            reason,
            missing=_(
                "Votre texte s'écarte du modèle « %(title)s » : dites pourquoi vous le modifiez."
            )
            % {"title": template.title},
        )
    with transaction.atomic():
        message = contacts.message_send_to_citizen(case=case, by=by, body=body, template=template)
        if overridden:
            _record(
                message.case,
                by=by,
                kind=MarginKind.OVERRIDE_TEMPLATE,
                reason=reason,
                details={
                    "template_id": template.pk,
                    "template": template.title,
                    "message_id": message.pk,
                },
            )
    return message


# ---------------------------------------------------------------------------
# Internals


def _lock(case: Case) -> Case:
    if case.pk is None:
        raise CaseError(_("Ce dossier n'est pas enregistré."))
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("unit", "referent__user", "procedure", "procedure_version", "person")
        .get(pk=case.pk)
    )


def _ensure_open(case: Case) -> None:
    if case.state not in OPEN_STATES:
        raise CaseError(_("Ce dossier est clos : on ne peut plus agir dessus."))


def _clean_reason(reason, *, missing: str) -> str:
    if not isinstance(reason, str):
        raise CaseError(_("Le motif doit être un texte."), field="reason")
    reason = reason.strip()
    if not reason:
        raise CaseError(missing, field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise CaseError(
            _("Le motif ne doit pas dépasser %(limit)s caractères.") % {"limit": REASON_MAX_LENGTH},
            field="reason",
        )
    return reason


def _record(
    case: Case, *, by, kind: MarginKind, reason: str, details: dict | None = None
) -> tuple[MarginUse, CaseEvent]:
    """The use of a margin, for the managers' report, and an internal event in the
    case's history."""
    details = details or {}
    use = MarginUse.objects.create(
        organisation_id=case.organisation_id,
        unit_id=case.unit_id,
        case=case,
        kind=kind,
        agent=agent_for(by),
        by=by,
        reason=reason,
        details=details,
    )
    event = CaseEvent.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        kind=EventKind.MARGIN_USED,
        actor=by,
        reason=reason,
        visible_to_citizen=False,
        data={"margin": str(kind), **details},
    )
    return use, event


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _days_in_month(year: int, month: int) -> int:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return (following - datetime.timedelta(days=1)).day
