"""Writes of webhooks: endpoints (make one, its secret shown once; change the secret;
pause, resume, delete) and the deliveries of case events, one outbox row per active
endpoint, written in the transaction that records the event. See docs/webhooks.md."""

from __future__ import annotations

import secrets
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.cases.enums import EventKind, Transition
from parcours.cases.models import CaseEvent
from parcours.lib import reference_cache
from parcours.organisations.enums import AgentRole
from parcours.organisations.models import Agent, Unit
from parcours.outbox.enums import OutboxStatus
from parcours.outbox.models import OutboxMessage
from parcours.outbox.services import outbox_handler, outbox_put

from .delivery import OutgoingWebhook
from .enums import PING, WebhookEventType
from .models import WebhookEndpoint
from .safety import UnsafeUrl, check_url

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
NAME_MAX_LENGTH = 100
MANAGER_ROLES = (AgentRole.ORGANISATION_ADMIN,)

# The webhook type of a transition, when it has one more precise than state_changed.
TRANSITION_TYPES = {
    Transition.SUBMIT: WebhookEventType.CASE_SUBMITTED,
    Transition.ACCEPT: WebhookEventType.CASE_DECIDED,
    Transition.REJECT: WebhookEventType.CASE_DECIDED,
    Transition.CLOSE_WITHOUT_ACTION: WebhookEventType.CASE_DECIDED,
    Transition.IMPLICIT_ACCEPTANCE: WebhookEventType.CASE_DECIDED,
    Transition.IMPLICIT_REJECTION: WebhookEventType.CASE_DECIDED,
    Transition.WITHDRAW: WebhookEventType.CASE_WITHDRAWN,
    Transition.REOPEN: WebhookEventType.CASE_REOPENED,
}
KIND_TYPES = {
    EventKind.REROUTED: WebhookEventType.CASE_REROUTED,
    EventKind.DOCUMENT_ADDED: WebhookEventType.CASE_DOCUMENT_ADDED,
    EventKind.CORRECTED: WebhookEventType.CASE_CORRECTED,
}


class WebhookError(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def may_manage_webhooks(agent: Agent | None) -> bool:
    return bool(
        agent is not None
        and agent.is_active
        and agent.user.is_active
        and agent.role in MANAGER_ROLES
    )


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _check(*, by: Agent, name: str, url: str, events: list[str], procedures) -> str:
    if not may_manage_webhooks(by):
        raise WebhookError(_("Seuls les administrateurs de l'administration gèrent les webhooks."))
    name = (name or "").strip()
    if not name:
        raise WebhookError(_("Donnez un nom à ce point de réception."), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise WebhookError(
            _("Le nom ne doit pas dépasser %(limit)d caractères.") % {"limit": NAME_MAX_LENGTH},
            field="name",
        )
    try:
        check_url(url)
    except UnsafeUrl as unsafe:
        raise WebhookError(unsafe.message, field="url") from None
    known = set(WebhookEventType.values)
    if not events or not set(events) <= known:
        raise WebhookError(_("Choisissez au moins un événement à recevoir."), field="events")
    if any(procedure.organisation_id != by.organisation_id for procedure in procedures):
        raise WebhookError(
            _("Choisissez des démarches de votre administration."),
            field="procedures",
        )
    return name


def webhook_endpoint_create(
    *, by: Agent, name: str, url: str, events: list[str], procedures=()
) -> tuple[WebhookEndpoint, str]:
    """Make an endpoint; returns it with its secret, to be shown once."""
    name = _check(by=by, name=name, url=url, events=events, procedures=procedures)
    secret = _new_secret()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            organisation_id=by.organisation_id,
            name=name,
            url=url,
            secret=secret,
            events=[value for value in WebhookEventType.values if value in events],
            created_by=by,
        )
        endpoint.procedures.set(procedures)
    return endpoint, secret


def webhook_secret_rotate(*, endpoint: WebhookEndpoint) -> str:
    """A new secret at once: deliveries not yet sent are signed with it. The receiver
    must be given it before the next event (docs/webhooks.md, "Changing the secret")."""
    endpoint.secret = _new_secret()
    endpoint.secret_rotated_at = timezone.now()
    endpoint.save(update_fields=["secret", "secret_rotated_at"])
    return endpoint.secret


def webhook_endpoint_set_active(*, endpoint: WebhookEndpoint, active: bool) -> None:
    """A paused endpoint receives nothing: events meanwhile are not kept for it, and
    deliveries still waiting are dropped when their turn comes."""
    endpoint.is_active = active
    endpoint.save(update_fields=["is_active"])


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


# ---------------------------------------------------------------------------
# Deliveries


def deliveries(endpoint: WebhookEndpoint):
    """The outbox rows of an endpoint, the most recent first: the delivery log."""
    return OutboxMessage.objects.filter(idempotency_key__startswith=endpoint.key_prefix)


def failed_counts(endpoints) -> dict[int, int]:
    """How many deliveries of each endpoint the outbox gave up on, in one query."""
    counts = dict.fromkeys((endpoint.pk for endpoint in endpoints), 0)
    keys = OutboxMessage.objects.filter(
        status=OutboxStatus.DEAD, idempotency_key__startswith="webhook:"
    ).values_list("idempotency_key", flat=True)
    for key in keys:
        endpoint_id = int(key.split(":", 2)[1])
        if endpoint_id in counts:
            counts[endpoint_id] += 1
    return counts


def webhook_types(event: CaseEvent) -> list[str]:
    """The types an event may be sent as, the most precise first. A transition is also
    a ``case.state_changed``: an endpoint gets the first type it subscribed to."""
    if event.kind == EventKind.TRANSITION:
        specific = TRANSITION_TYPES.get(event.transition)
        return [t for t in (specific, WebhookEventType.CASE_STATE_CHANGED) if t]
    specific = KIND_TYPES.get(event.kind)
    return [specific] if specific else []


def event_payload(event: CaseEvent, *, type_: str, id_: str) -> dict:
    """What another system is told: references and states, no personal data (no name,
    email, answer, reason). It fetches the rest through the API v1 with its token."""
    case = event.case
    data = {
        "case": {
            "reference": case.reference,
            "procedure": case.procedure.slug,
            "procedure_code": case.procedure.code,
            "state": case.state,
            "unit": case.unit.slug,
            "channel": case.channel,
        },
        "event": {
            "kind": event.kind,
            "transition": event.transition,
            "from_state": event.from_state,
            "to_state": event.to_state,
        },
    }
    if event.kind == EventKind.REROUTED:
        slugs = dict(
            Unit.objects.filter(
                pk__in=[event.data.get("from_unit_id"), event.data.get("to_unit_id")]
            ).values_list("pk", "slug")
        )
        data["event"]["from_unit"] = slugs.get(event.data.get("from_unit_id"), "")
        data["event"]["to_unit"] = slugs.get(event.data.get("to_unit_id"), "")
    return {
        "id": id_,
        "type": type_,
        "created": event.created_at.isoformat(),
        "organisation": event.organisation.slug,
        "data": data,
    }


def active_endpoints(organisation_id: int) -> list[tuple[WebhookEndpoint, frozenset[int]]]:
    """The organisation's active endpoints, each with the procedures it is limited to
    (none: all), read through the reference cache: every case event asks."""

    def load():
        endpoints = WebhookEndpoint.objects.filter(
            organisation_id=organisation_id, is_active=True
        ).prefetch_related("procedures")
        return [
            (endpoint, frozenset(procedure.pk for procedure in endpoint.procedures.all()))
            for endpoint in endpoints
        ]

    return reference_cache.remember("webhooks:active-endpoints", organisation_id, load)


def put_case_event_webhooks(event: CaseEvent) -> list[OutboxMessage]:
    """One outbox row per active endpoint that subscribed to the event, in the event's
    transaction: a rolled-back change sends nothing."""
    types = webhook_types(event)
    if not types:
        return []
    rows = []
    for endpoint, procedures in active_endpoints(event.organisation_id):
        type_ = next((t for t in types if t in endpoint.events), None)
        if type_ is None:
            continue
        if procedures and event.case.procedure_id not in procedures:
            continue
        key = f"{endpoint.key_prefix}{event.pk}"
        rows.append(
            outbox_put(
                handler=deliver_webhook,
                key=key,
                endpoint_id=endpoint.pk,
                payload=event_payload(event, type_=type_, id_=key),
            )
        )
    return rows


def on_case_event_saved(sender, instance: CaseEvent, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        put_case_event_webhooks(instance)


def webhook_ping(*, endpoint: WebhookEndpoint) -> OutboxMessage:
    """A test event, through the outbox like the others."""
    key = f"{endpoint.key_prefix}ping:{uuid.uuid4().hex}"
    payload = {
        "id": key,
        "type": PING,
        "created": timezone.now().isoformat(),
        "organisation": endpoint.organisation.slug,
        "data": {"endpoint": endpoint.pk},
    }
    return outbox_put(handler=deliver_webhook, key=key, endpoint_id=endpoint.pk, payload=payload)


@outbox_handler
def deliver_webhook(*, endpoint_id: int, payload: dict) -> OutgoingWebhook | None:
    """Nothing to send once the endpoint is deleted or paused."""
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id, is_active=True).first()
    if endpoint is None:
        return None
    return OutgoingWebhook(url=endpoint.url, secret=endpoint.secret, payload=payload)
