"""The cases of the demo: drawn in the order they were submitted, each replayed through
the life cycle, then written with its receipt, events and decisions."""

import bisect
import datetime
import heapq
from collections.abc import Iterator

from django.utils.translation import gettext as _

from parcours.cases.enums import CaseChannel, CaseState, EventKind
from parcours.cases.lifecycle import Actor
from parcours.cases.models import Case, CaseEvent, Decision, Receipt, ReferenceCounter
from parcours.cases.services import format_reference

from . import data, story
from .answers import ANSWERS, AnswerContext, draft_answers
from .records import AgentInfo, PersonInfo, ProcedureInfo, share
from .timeline import APPEAL, Step, choose_state, local_midnight, plan, replay

DRAFT_SHARE = 0.05

C = CaseChannel
CHANNEL_WEIGHTS = {
    "default": {C.ONLINE: 50, C.COUNTER: 14, C.PHONE: 6, C.POST: 8, C.EMAIL: 10, C.HELPER: 12},
    "SIG": {C.ONLINE: 45, C.OPEN311: 30, C.PHONE: 15, C.COUNTER: 5, C.EMAIL: 5},
    "AFS": {C.COUNTER: 50, C.PHONE: 25, C.ONLINE: 15, C.HELPER: 10},
    "REC": {C.ONLINE: 40, C.EMAIL: 25, C.POST: 20, C.PHONE: 10, C.COUNTER: 5},
}
SELF_SERVICE = frozenset({C.ONLINE, C.OPEN311})
# When a plan cannot fit the dates (too young for an implicit decision...), try this state.
FALLBACK = {
    CaseState.IMPLICIT_ACCEPTANCE: CaseState.IN_REVIEW,
    CaseState.IMPLICIT_REJECTION: CaseState.IN_REVIEW,
    APPEAL: CaseState.REJECTED,
    CaseState.CLOSED_WITHOUT_ACTION: CaseState.ACCEPTED,
}


class CaseWriterMixin:
    """The case half of the generator's builder (see ``generator._Builder``).

    It uses what the builder set up: ``rng``, ``now``, ``today``, ``window_start``,
    ``volume``, ``pools`` of people, ``procedures`` and their ``month_tables``,
    ``story_people``, ``named_agents``, and writes through ``buffers``, ``take`` and
    ``flush``.
    """

    def _anchors(self, count: int) -> Iterator[tuple[datetime.datetime, story.ScriptedCase | None]]:
        """``count`` submission (or draft creation) times over the history, in order."""
        rng = self.rng
        days = (self.today - self.window_start).days + 1
        elapsed = (self.now - local_midnight(self.today)).total_seconds()
        weights = []
        for i in range(days):
            day = self.window_start + datetime.timedelta(days=i)
            weight = (1.0, 1.0, 1.0, 1.0, 0.9, 0.3, 0.12)[day.weekday()]
            weight *= 0.8 + 0.4 * i / days  # more people use the online service over time
            if day == self.today:
                weight *= elapsed / 86400
            weights.append(weight)
        for i, count_on_day in enumerate(share(count, weights)):
            if not count_on_day:
                continue
            day = self.window_start + datetime.timedelta(days=i)
            limit = elapsed if day == self.today else 86400
            weekday = day.weekday() < 5
            seconds = []
            for _position in range(count_on_day):
                if weekday and rng.random() < 0.7:
                    second = rng.uniform(8.5 * 3600, 17.5 * 3600)
                else:
                    second = rng.uniform(7 * 3600, 23 * 3600)
                if second >= limit:
                    second = rng.random() * limit
                seconds.append(int(second))
            seconds.sort()
            midnight = local_midnight(day)
            for second in seconds:
                yield midnight + datetime.timedelta(seconds=second), None

    def _scripted_anchor(self, case: story.ScriptedCase) -> datetime.datetime:
        if case.steps:
            days_ago, at = case.steps[0].days_ago, case.steps[0].time
        else:
            days_ago, at = case.draft_days_ago, case.draft_time
        return self._at(days_ago, at)

    def _at(self, days_ago: int, at: str) -> datetime.datetime:
        hours, minutes = map(int, at.split(":"))
        return local_midnight(self.today - datetime.timedelta(days=days_ago)) + datetime.timedelta(
            hours=hours, minutes=minutes
        )

    def cases(self) -> None:
        scripted = sorted(
            ((self._scripted_anchor(c), c) for c in story.SCRIPTED_CASES), key=lambda x: x[0]
        )
        anchors = heapq.merge(
            self._anchors(self.volume.cases - len(scripted)), scripted, key=lambda x: x[0]
        )
        for at, script in anchors:
            if script is None:
                self._random_case(at)
            else:
                self._scripted_case(script)
            if len(self.buffers["case"]) >= self.chunk_size:
                self.flush("case", "receipt", "event", "decision")
                self.log(_("  %(n)s dossiers écrits…") % {"n": self.counts["cases.Case"]})

    def _random_case(self, at: datetime.datetime) -> None:
        rng = self.rng
        cumulative, procedures = self.month_tables[at.month]
        procedure = procedures[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
        minutes = at.hour * 60 + at.minute
        office = at.weekday() < 5 and 510 <= minutes < 1050
        pool = self.pools[procedure.organisation.id]
        if rng.random() < DRAFT_SHARE:
            person = pool.signed_in(rng)
            channel = C.HELPER if office and rng.random() < 0.15 else C.ONLINE
            self._write_case(procedure, person, channel, [], created_at=at)
            return
        office_channels, office_weights, late_channels, late_weights = procedure.channels
        if office:
            channel = rng.choices(office_channels, office_weights)[0]
        else:
            channel = rng.choices(late_channels, late_weights)[0]
        person = pool.signed_in(rng) if channel in SELF_SERVICE else pool.anyone(rng)
        age = (self.today - at.date()).days
        state = choose_state(
            rng,
            age=age,
            usual_days=procedure.usual_days,
            implicit_decision=procedure.rule.implicit_decision,
            outcomes=procedure.spec.outcomes,
        )
        arguments = {
            "submitted_at": at,
            "today": self.today,
            "now": self.now,
            "reasons": procedure.reasons,
        }
        steps = plan(rng, procedure.rule, state=state, **arguments)
        if steps is None:
            steps = plan(rng, procedure.rule, state=FALLBACK[state], **arguments)
        if channel in SELF_SERVICE:
            lead = datetime.timedelta(
                minutes=rng.randint(3, 60) if rng.random() < 0.8 else rng.randint(60, 4000)
            )
        else:
            lead = datetime.timedelta(minutes=rng.randint(2, 20))
        self._write_case(procedure, person, channel, steps, created_at=at - lead)

    def _scripted_case(self, script: story.ScriptedCase) -> None:
        procedure = self.by_code[script.procedure]
        person = self.story_people[(script.citizen, procedure.organisation.id)]
        steps: list[Step] = []
        for item in script.steps:
            if item.days_ago is None:  # the night after the decision date
                due = procedure.rule.due_on(steps[0].at.date())
                days_ago = (self.today - due).days - 1
            else:
                days_ago = item.days_ago
            steps.append(
                Step(item.transition, self._at(days_ago, item.time), item.reason, item.citizen_days)
            )
        if steps:
            created_at = steps[0].at - datetime.timedelta(minutes=25)
        else:
            created_at = self._at(script.draft_days_ago, script.draft_time)
        self._write_case(
            procedure,
            person,
            script.channel,
            steps,
            created_at=created_at,
            referent=self.named_agents.get(script.referent),
            answers=dict(script.answers),
            situation=script.situation,
        )

    def _write_case(
        self,
        procedure: ProcedureInfo,
        person: PersonInfo,
        channel: str,
        steps: list[Step],
        *,
        created_at: datetime.datetime,
        referent: AgentInfo | None = None,
        answers: dict | None = None,
        situation: str | None = None,
    ) -> None:
        rng, emit = self.rng, self.buffers
        org_id, unit = procedure.organisation.id, procedure.unit
        case_id = self.take(Case)
        latitude = longitude = None
        if procedure.box:
            (south, west), (north, east) = procedure.box
            latitude = round(rng.uniform(south, north), 6)
            longitude = round(rng.uniform(west, east), 6)
        if situation is None:
            situation = rng.choice(data.SITUATIONS) if rng.random() < 0.12 else ""
        context = AnswerContext(
            person.given_name,
            person.family_name,
            person.phone,
            person.birth_place,
            created_at.date(),
            latitude,
            longitude,
            birth_date=person.birth_date,
            email=person.email,
            street=person.street,
            postcode=person.postcode,
            city=person.city,
        )
        form_data = ANSWERS[procedure.spec.form_key](rng, context)
        if answers:
            form_data.update(answers)
        if channel == C.HELPER:
            desk = rng.choice(procedure.organisation.helpers)
        else:
            desk = rng.choice(unit.pool)
        if not steps:  # a draft: only what the person typed so far
            author = desk.user_id if channel == C.HELPER else person.user_id
            updated = min(created_at + datetime.timedelta(minutes=rng.randint(1, 600)), self.now)
            emit["case"].append(
                (
                    case_id,
                    org_id,
                    None,
                    procedure.id,
                    procedure.version_id,
                    person.id,
                    unit.id,
                    None,
                    CaseState.DRAFT,
                    channel,
                    draft_answers(rng, form_data),
                    situation,
                    latitude,
                    longitude,
                    None,
                    None,
                    "",
                    None,
                    None,
                    0,
                    None,
                    None,
                    False,
                    author,
                    created_at,
                    updated,
                )
            )
            return
        result = replay(procedure.rule, steps)
        if result.needs_referent and referent is None:
            referent = rng.choice(unit.pool)
        submitter = person.user_id if channel in SELF_SERVICE and person.user_id else desk.user_id
        citizen_side = person.user_id or desk.user_id
        key = (org_id, result.received_on.year, procedure.spec.code)
        number = self.counters.get(key, 0) + 1
        self.counters[key] = number
        reference = format_reference(
            year=result.received_on.year, prefix=procedure.spec.code, number=number
        )
        for event in result.events:
            if event.actor == Actor.AGENT:
                actor = referent.user_id
            elif event.actor == Actor.SYSTEM:
                actor = None
            elif event.from_state == CaseState.DRAFT:
                actor = submitter
            else:
                actor = citizen_side
            emit["event"].append(
                (
                    self.take(CaseEvent),
                    org_id,
                    case_id,
                    EventKind.TRANSITION,
                    event.transition,
                    event.from_state,
                    event.to_state,
                    actor,
                    event.reason,
                    True,
                    event.data,
                    event.at,
                )
            )
        for decision in result.decisions:
            signer = None if decision.is_implicit else referent
            emit["decision"].append(
                (
                    self.take(Decision),
                    org_id,
                    case_id,
                    decision.outcome,
                    decision.is_implicit,
                    decision.reasons,
                    signer.id if signer else None,
                    signer.name if signer else "",
                    signer.title if signer else "",
                    decision.decided_on,
                    decision.appeal_deadline,
                    decision.at,
                )
            )
        emit["receipt"].append(
            (
                self.take(Receipt),
                org_id,
                case_id,
                result.submitted_at,
                result.received_on,
                result.receipt_due_on,
                procedure.rule.implicit_decision,
                procedure.spec.title,
                person.full_name,
                *procedure.receipt,
            )
        )
        emit["case"].append(
            (
                case_id,
                org_id,
                reference,
                procedure.id,
                procedure.version_id,
                person.id,
                unit.id,
                referent.id if result.needs_referent else None,
                result.state,
                channel,
                form_data,
                situation,
                latitude,
                longitude,
                result.submitted_at,
                result.received_on,
                result.implicit_decision,
                result.decision_due_on,
                result.clock_suspended_on,
                result.suspended_days,
                result.citizen_due_on,
                result.decided_at,
                result.is_appeal,
                submitter,
                created_at,
                result.events[-1].at,
            )
        )

    def reference_counters(self) -> None:
        """New submissions continue each sequence where the demo left it."""
        for (org_id, year, prefix), last in sorted(self.counters.items()):
            self.buffers["reference_counter"].append(
                (self.take(ReferenceCounter), org_id, year, prefix, last)
            )
