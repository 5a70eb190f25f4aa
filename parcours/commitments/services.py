"""Commitments measured continuously: which open items are about to miss their
published commitment, or have missed it, flagged before the deadline to the agent who
holds them and to their unit's managers.

Items watched:

* a case awaiting its decision, while the clock runs (``decision`` commitment); the
  time spent waiting for the citizen moves the date on, as for the legal clock;
* a citizen's message not answered yet (``first_reply`` commitment).

An item is *at risk* from ``warning_days(commitment)`` days before its due date, and
*breached* the day after it. Alerts are resolved as soon as the item is dealt with.
"""

import datetime
import math

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from parcours.cases.enums import CaseState
from parcours.cases.models import Case
from parcours.catalog.enums import CommitmentKind
from parcours.catalog.models import Commitment
from parcours.contacts.models import Message
from parcours.notifications.notifications import EmailNotification
from parcours.organisations import permissions
from parcours.organisations.models import Agent, Unit
from parcours.outbox.services import outbox_put

from .enums import AlertStatus
from .models import CommitmentAlert
from .selectors import CommitmentBook, due_on, target_in_days

# An item is flagged this share of its commitment's delay before it is due, at least
# MIN_WARNING_DAYS and at most MAX_WARNING_DAYS before.
WARNING_SHARE = 0.2
MIN_WARNING_DAYS = 2
MAX_WARNING_DAYS = 10
RUNNING_CLOCK = (CaseState.SUBMITTED, CaseState.IN_REVIEW)


def warning_days(commitment: Commitment) -> int:
    days = math.ceil(target_in_days(commitment) * WARNING_SHARE)
    return min(MAX_WARNING_DAYS, max(MIN_WARNING_DAYS, days))


def _watched_cases(book, today):
    for values in (
        Case.objects.filter(state__in=RUNNING_CLOCK, received_on__isnull=False)
        .values(
            "pk",
            "organisation_id",
            "unit_id",
            "procedure_id",
            "received_on",
            "suspended_days",
            "referent_id",
            "unit__holiday_subdivision",
        )
        .iterator(chunk_size=2000)
    ):
        commitment = book.get(
            CommitmentKind.DECISION,
            organisation_id=values["organisation_id"],
            unit_id=values["unit_id"],
            procedure_id=values["procedure_id"],
        )
        if commitment is None:
            continue
        due = due_on(
            commitment, values["received_on"], subdivision=values["unit__holiday_subdivision"]
        ) + datetime.timedelta(days=values["suspended_days"] or 0)
        if today >= due - datetime.timedelta(days=warning_days(commitment)):
            yield (
                ("case", values["pk"]),
                CommitmentKind.DECISION,
                commitment,
                values,
                values["referent_id"],
                due,
            )


def _watched_messages(book, today):
    for values in (
        Message.objects.unanswered()
        .filter(unit__isnull=False)
        .values(
            "pk",
            "organisation_id",
            "unit_id",
            "created_at",
            "case__procedure_id",
            "case__referent_id",
            "unit__holiday_subdivision",
        )
        .iterator(chunk_size=2000)
    ):
        commitment = book.get(
            CommitmentKind.FIRST_REPLY,
            organisation_id=values["organisation_id"],
            unit_id=values["unit_id"],
            procedure_id=values["case__procedure_id"],
        )
        if commitment is None:
            continue
        sent_on = timezone.localdate(values["created_at"])
        due = due_on(commitment, sent_on, subdivision=values["unit__holiday_subdivision"])
        if today >= due - datetime.timedelta(days=warning_days(commitment)):
            yield (
                ("message", values["pk"]),
                CommitmentKind.FIRST_REPLY,
                commitment,
                values,
                values["case__referent_id"],
                due,
            )


def watch_commitments(today: datetime.date | None = None) -> dict[str, int]:
    """Flag the items at risk or past their commitment, and resolve the alerts of the
    items dealt with. Idempotent. Returns how many alerts are at risk, breached,
    newly raised and resolved."""
    today = today or timezone.localdate()
    book = CommitmentBook()
    found = {}
    for item in (*_watched_cases(book, today), *_watched_messages(book, today)):
        found[(item[0], item[1])] = item
    counts = {"at_risk": 0, "breached": 0, "raised": 0, "resolved": 0}
    with transaction.atomic():
        existing = {
            ((("case", a.case_id) if a.case_id else ("message", a.message_id)), a.kind): a
            for a in CommitmentAlert.objects.active().select_for_update()
        }
        for key, (item, kind, commitment, values, agent_id, due) in found.items():
            status = AlertStatus.BREACHED if today > due else AlertStatus.AT_RISK
            counts[status] += 1
            alert = existing.pop(key, None)
            if alert is None:
                alert = CommitmentAlert.objects.filter(
                    **{item[0]: item[1]}, kind=kind
                ).first() or CommitmentAlert(
                    organisation_id=values["organisation_id"],
                    kind=kind,
                    **{f"{item[0]}_id": item[1]},
                )
                counts["raised"] += 1
            alert.unit_id = values["unit_id"]
            alert.commitment = commitment
            alert.agent_id = agent_id
            alert.due_on = due
            alert.status = status
            alert.breached_on = (
                (alert.breached_on or today) if status == AlertStatus.BREACHED else None
            )
            alert.resolved_at = None
            alert.save()
        for alert in existing.values():
            alert.status = AlertStatus.RESOLVED
            alert.resolved_at = timezone.now()
            alert.save(update_fields=["status", "resolved_at"])
            counts["resolved"] += 1
    return counts


class CommitmentDigest(EmailNotification):
    """Once a day, to an agent: the items they hold, and for a manager the items of the
    units they manage, that are about to miss their commitment or missed it."""

    template_name = "commitment_digest"

    def __init__(self, agent: Agent, alerts: list[CommitmentAlert]):
        self.agent = agent
        self.alerts = alerts

    def recipients(self) -> list[str]:
        return [self.agent.user.email] if self.agent.user.email and self.alerts else []

    def context(self) -> dict:
        base = settings.PARCOURS_BASE_URL
        items = []
        for alert in self.alerts:
            if alert.case_id:
                label, url = (
                    alert.case.reference,
                    reverse("backoffice:case", args=[alert.case.reference]),
                )
            elif alert.message.case_id:
                label = alert.message.case.reference
                url = reverse("backoffice:case", args=[label])
            else:
                label, url = (
                    str(alert.message.person),
                    reverse("backoffice:person", args=[alert.message.person_id]),
                )
            items.append({"alert": alert, "label": label, "url": base + url})
        return {
            "agent": self.agent,
            "items": items,
            "breached": sum(a.status == AlertStatus.BREACHED for a in self.alerts),
            "at_risk": sum(a.status == AlertStatus.AT_RISK for a in self.alerts),
            "load_url": (
                base + reverse("stats:load") if permissions.is_manager(self.agent) else ""
            ),
        }


def digests(today: datetime.date | None = None) -> list[CommitmentDigest]:
    """The day's digests: each agent's own items; each manager's units' items."""
    alerts = list(
        CommitmentAlert.objects.active().select_related(
            "unit", "case", "message__case", "message__person", "commitment"
        )
    )
    by_agent: dict[int, list] = {}
    by_unit: dict[int, list] = {}
    for alert in alerts:
        by_unit.setdefault(alert.unit_id, []).append(alert)
        if alert.agent_id:
            by_agent.setdefault(alert.agent_id, []).append(alert)
    recipients: dict[int, dict[int, CommitmentAlert]] = {}
    for agent_id, own in by_agent.items():
        recipients.setdefault(agent_id, {}).update({a.pk: a for a in own})
    for unit in Unit.objects.filter(pk__in=by_unit):
        for agent in Agent.objects.filter(
            units=unit, is_active=True, role__in=permissions.MANAGER_ROLES
        ):
            if permissions.may_manage(agent, unit):
                recipients.setdefault(agent.pk, {}).update({a.pk: a for a in by_unit[unit.pk]})
    agents = Agent.objects.filter(pk__in=recipients, is_active=True).select_related("user")
    return [
        CommitmentDigest(
            agent, sorted(recipients[agent.pk].values(), key=lambda a: (a.due_on, a.pk))
        )
        for agent in agents
    ]


def send_digests(today: datetime.date | None = None) -> int:
    """Record the day's digests in the outbox, one per agent and day (a second run the
    same day records nothing more). Returns how many are to be sent."""
    from .outgoing import commitment_digest_email

    day = (today or timezone.localdate()).isoformat()
    count = 0
    with transaction.atomic():
        for digest in digests(today):
            if not digest.should_send():
                continue
            outbox_put(
                handler=commitment_digest_email,
                key=f"commitment-digest:{day}:{digest.agent.pk}",
                agent_id=digest.agent.pk,
                alert_ids=[alert.pk for alert in digest.alerts],
            )
            count += 1
    return count
