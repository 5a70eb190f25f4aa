"""The fair work queue of a unit: who holds which open case, and who takes the next one.

The queue of a unit is its open cases in one order, the same for everyone: the cases in
distress fast-tracked with a recorded reason first (``margins``), then the nearest
legal deadline (the date silence becomes a decision, CRPA L231-1), cases without
one last, then the oldest request. Nobody chooses their cases by their look: "take the
next case" gives the first one nobody holds, and taking any other one needs a reason,
which is recorded and shown to the unit's managers.

Holding a case means being its referent (``Case.referent``): the one agent accountable
for it, whose name the citizen sees on their case page. Work distribution and
accountability are the same fact, so there is no second "assignee" field that could
disagree with it. Every change of holder is a REFERENT_CHANGED event whose
``data["via"]`` says how (``HoldingChange``); these events are internal (not shown to
the citizen): telling the citizen of a new name is the handover's job.

Claiming is correct under concurrency: on PostgreSQL the candidate row is locked with
``SELECT … FOR UPDATE SKIP LOCKED``, so concurrent claimers each get a different case
without waiting for each other; on SQLite, transactions start with ``BEGIN IMMEDIATE``
(see the settings), which serialises claimers. On every database the row is then
updated only if it is still free, as a last guard.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.organisations import permissions
from parcours.organisations.models import Agent, Unit
from parcours.organisations.selectors import agent_for

from .enums import OPEN_STATES, CaseState, EventKind, HoldingChange
from .errors import CaseError, NotAllowed
from .models import Case, CaseEvent

# Cases in distress a colleague fast-tracked with a reason first (``margins``), then the
# nearest legal deadline (none: last), then the oldest request; the primary key makes
# the order total, so two agents never see two different "next" cases.
QUEUE_ORDER = (
    F("fast_tracked").desc(),
    F("decision_due_on").asc(nulls_last=True),
    F("submitted_at").asc(nulls_last=True),
    "pk",
)
CLAIM_ATTEMPTS = 5
# A reason is a few sentences for a manager to read, not a file.
HOLDING_REASON_MAX_LENGTH = 2_000


# ---------------------------------------------------------------------------
# Reads


def backoffice_cases(agent: Agent | None) -> QuerySet[Case]:
    """The cases an agent may open in the back-office: the submitted cases of the units
    they work in or manage (``organisations.permissions``)."""
    if not permissions.uses_backoffice(agent):
        return Case.objects.none()
    units = Unit.objects.filter(
        Q(pk__in=permissions.handled_units(agent).values("pk"))
        | Q(pk__in=permissions.managed_units(agent).values("pk"))
    )
    return Case.objects.filter(organisation_id=agent.organisation_id, unit__in=units).exclude(
        state=CaseState.DRAFT
    )


def queue_of(unit: Unit) -> QuerySet[Case]:
    """The open cases of a unit, in the queue's order."""
    return Case.objects.filter(
        organisation_id=unit.organisation_id, unit=unit, state__in=OPEN_STATES
    ).order_by(*QUEUE_ORDER)


def overdue_q(today: datetime.date, prefix: str = "") -> Q:
    """Past their legal deadline, with the clock running (a suspended clock's deadline
    moves when the review resumes, so it is not overdue yet)."""
    return Q(**{f"{prefix}decision_due_on__lt": today, f"{prefix}clock_suspended_on__isnull": True})


def filter_queue(
    cases: QuerySet[Case],
    *,
    agent: Agent,
    today: datetime.date,
    state: str | None = None,
    procedure=None,
    channel: str | None = None,
    held_by_nobody: bool = False,
    held_by_me: bool = False,
    overdue: bool = False,
) -> QuerySet[Case]:
    """The filters of a queue, the same in the back-office and in the API. They narrow
    what is listed; they never change which case is next."""
    if state:
        cases = cases.filter(state=state)
    if procedure is not None:
        cases = cases.filter(procedure=procedure)
    if channel:
        cases = cases.filter(channel=channel)
    if held_by_nobody:
        cases = cases.filter(referent__isnull=True)
    elif held_by_me:
        cases = cases.filter(referent=agent)
    if overdue:
        cases = cases.filter(overdue_q(today))
    return cases


def next_in_queue(unit: Unit) -> Case | None:
    """The case that "take the next case" would give now."""
    return queue_of(unit).filter(referent__isnull=True).first()


def queue_summary(unit: Unit, *, today: datetime.date | None = None) -> dict[str, int]:
    """How many open cases the unit has, how many nobody holds, how many are overdue."""
    today = today or timezone.localdate()
    return (
        queue_of(unit)
        .order_by()
        .aggregate(
            open=Count("pk"),
            unheld=Count("pk", filter=Q(referent__isnull=True)),
            overdue=Count("pk", filter=overdue_q(today)),
            unheld_overdue=Count("pk", filter=Q(referent__isnull=True) & overdue_q(today)),
        )
    )


def workload(unit: Unit, *, today: datetime.date | None = None) -> QuerySet[Agent]:
    """The unit's agents, each with ``held`` (open cases of the unit they hold) and
    ``overdue`` (of those, past their legal deadline)."""
    today = today or timezone.localdate()
    of_unit = Q(cases__unit=unit, cases__state__in=OPEN_STATES)
    return permissions.holders_of(unit).annotate(
        held=Count("cases", filter=of_unit),
        overdue=Count("cases", filter=of_unit & overdue_q(today, prefix="cases__")),
    )


def holding_changes(unit: Unit, *, limit: int = 20) -> QuerySet[CaseEvent]:
    """The latest cases of a unit taken out of turn or reassigned, with their reasons:
    what managers review."""
    return (
        CaseEvent.objects.filter(
            organisation_id=unit.organisation_id,
            case__unit=unit,
            kind=EventKind.REFERENT_CHANGED,
            data__via__in=[HoldingChange.OUT_OF_ORDER, HoldingChange.REASSIGNED],
        )
        .select_related("actor", "case")
        .order_by("-created_at", "-pk")[:limit]
    )


# ---------------------------------------------------------------------------
# Writes


def case_claim_next(*, unit: Unit, by) -> Case | None:
    """Give ``by`` the next case of the unit's queue that nobody holds, or None when
    there is none. Safe when many agents claim at the same time: each gets another case.
    """
    agent = _holder_for(unit, by)
    skip_locked = connection.features.has_select_for_update_skip_locked
    for _attempt in range(CLAIM_ATTEMPTS):
        with transaction.atomic():
            candidates = queue_of(unit).filter(referent__isnull=True)
            if skip_locked:
                candidates = candidates.select_for_update(skip_locked=True, of=("self",))
            case = candidates.first()
            if case is None:
                return None
            if _hold_if_free(case, agent):
                _record(case, by=by, via=HoldingChange.NEXT, before=None, after=agent)
                return case
        # Someone else got it between our read and our write (only possible without
        # row locks): try the next one.
    raise CaseError(_("Beaucoup d'agents prennent des dossiers en ce moment : réessayez."))


def case_take(*, case: Case, by, reason: str = "") -> Case:
    """``by`` takes a given case of their unit. Taking any case other than the next one
    of the queue needs a reason, recorded for the unit's managers."""
    with transaction.atomic():
        case = _lock(case)
        agent = _holder_for(case.unit, by)
        _ensure_open(case)
        if case.referent_id == agent.pk:
            return case
        if case.referent_id is not None:
            raise CaseError(
                _(
                    "%(name)s suit déjà ce dossier. Pour le reprendre, demandez à un "
                    "responsable du service de vous le réattribuer."
                )
                % {"name": case.referent.display_name}
            )
        following = next_in_queue(case.unit)
        out_of_order = following is not None and following.pk != case.pk
        reason = _clean_reason(
            reason,
            required=out_of_order,
            missing=_(
                "Ce dossier n'est pas le prochain de la file : dites pourquoi vous le prenez "
                "avant les autres."
            ),
        )
        case.referent = agent
        case.save(update_fields=["referent", "updated_at"])
        via = HoldingChange.OUT_OF_ORDER if out_of_order else HoldingChange.NEXT
        _record(case, by=by, via=via, before=None, after=agent, reason=reason)
    return case


def case_reassign(*, case: Case, by, to: Agent, reason: str) -> Case:
    """A manager of the case's unit gives the case to another of its agents, saying why."""
    with transaction.atomic():
        case = _lock(case)
        manager = agent_for(by)
        if not permissions.may_manage(manager, case.unit):
            raise NotAllowed(_("Seul un responsable du service peut réattribuer ses dossiers."))
        _ensure_open(case)
        holder = permissions.holders_of(case.unit).filter(pk=getattr(to, "pk", None)).first()
        if holder is None:
            raise CaseError(
                _("Choisissez un agent de ce service (%(unit)s).") % {"unit": case.unit.name},
                field="to",
            )
        if case.referent_id == holder.pk:
            raise CaseError(
                _("%(name)s suit déjà ce dossier.") % {"name": holder.display_name}, field="to"
            )
        reason = _clean_reason(
            reason, required=True, missing=_("Dites pourquoi vous réattribuez ce dossier.")
        )
        before = case.referent
        case.referent = holder
        case.save(update_fields=["referent", "updated_at"])
        _record(
            case, by=by, via=HoldingChange.REASSIGNED, before=before, after=holder, reason=reason
        )
    return case


# ---------------------------------------------------------------------------
# Internals


def _holder_for(unit: Unit, by) -> Agent:
    agent = agent_for(by)
    if not permissions.may_handle(agent, unit):
        raise NotAllowed(_("Seuls les agents du service peuvent prendre ses dossiers."))
    return agent


def _lock(case: Case) -> Case:
    if case.pk is None:
        raise CaseError(_("Ce dossier n'est pas enregistré."))
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("unit", "referent__user")
        .get(pk=case.pk)
    )


def _ensure_open(case: Case) -> None:
    if case.state not in OPEN_STATES:
        raise CaseError(_("Ce dossier est clos : il n'est plus dans la file."))


def _hold_if_free(case: Case, agent: Agent) -> bool:
    now = timezone.now()
    held = Case.objects.filter(pk=case.pk, referent__isnull=True).update(
        referent=agent, updated_at=now
    )
    if held:
        case.referent, case.updated_at = agent, now
    return bool(held)


def _clean_reason(reason, *, required: bool, missing: str) -> str:
    if not isinstance(reason, str):
        raise CaseError(_("Le motif doit être un texte."), field="reason")
    reason = reason.strip()
    if required and not reason:
        raise CaseError(missing, field="reason")
    if len(reason) > HOLDING_REASON_MAX_LENGTH:
        raise CaseError(
            _("Le motif ne doit pas dépasser %(limit)s caractères.")
            % {"limit": HOLDING_REASON_MAX_LENGTH},
            field="reason",
        )
    return reason


def _record(
    case: Case, *, by, via: HoldingChange, before: Agent | None, after: Agent, reason: str = ""
) -> CaseEvent:
    return CaseEvent.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        kind=EventKind.REFERENT_CHANGED,
        actor=by,
        reason=reason,
        visible_to_citizen=False,
        data={
            "via": str(via),
            "from_agent_id": before.pk if before else None,
            "from_name": before.display_name if before else "",
            "to_agent_id": after.pk,
            "to_name": after.display_name,
        },
    )
