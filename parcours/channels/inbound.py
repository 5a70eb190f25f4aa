"""Email received over SMTP: where each message goes.

``receive()`` is called by the SMTP daemon (``smtp.py``) once a message is accepted,
and by the tests. Every message is kept whole (``InboundEmail.raw``); then:

- a reply to a case's address (``case+<token>@…``, see ``addresses``) from the case's
  person joins the case's thread, and its attachments become the case's documents,
  with the same checks as uploads;
- a message to a unit's address from an address known on exactly one person of that
  administration is filed on that person, as a message to the unit;
- anything else waits in the unit's triage queue, where an agent attaches it to a
  person (and a case) or dismisses it;
- automatic replies and bounces (null sender, delivery reports, Auto-Submitted,
  Precedence: bulk/junk/auto_reply/list, X-Autoreply…) are kept and set aside: they
  never reach a thread, never get an acknowledgement, so two robots cannot loop.

A person who writes gets one acknowledgement a day at most, marked Auto-Submitted.
"""

import dataclasses
import datetime
import email
import email.policy
import email.utils
import logging
import re

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from parcours.cases.models import Case
from parcours.contacts.enums import MessageDirection
from parcours.contacts.models import Message
from parcours.contacts.services import BODY_MAX_LENGTH, answer_due_on
from parcours.organisations.models import Unit
from parcours.outbox.services import outbox_put
from parcours.people.models import Person

from . import addresses, uploads
from .enums import InboundStatus
from .models import InboundEmail

logger = logging.getLogger(__name__)

AUTOMATIC_PRECEDENCE = {"bulk", "junk", "auto_reply", "list"}
ROBOT_LOCAL_PARTS = {"mailer-daemon", "postmaster", "no-reply", "noreply", "ne-pas-repondre"}
ACKNOWLEDGEMENT_INTERVAL = datetime.timedelta(hours=24)


class MissingSender(Exception):
    """Neither an envelope sender nor a From header: nobody to answer."""


@dataclasses.dataclass(frozen=True)
class Target:
    unit: Unit
    case: Case | None = None


def resolve_recipient(address: str) -> Target | None:
    """What an address of ours stands for: a case's reply address, or a unit's public
    address on one of the configured domains. None for any other address."""
    local, domain = addresses.split(address)
    if not local or domain not in addresses.accepted_domains():
        return None
    if local.lower().startswith(addresses.PREFIX):
        case_pk = addresses.case_pk_from_address(address)
        case = (
            Case.objects.select_related("unit", "person").filter(pk=case_pk).first()
            if case_pk
            else None
        )
        return Target(unit=case.unit, case=case) if case and case.reference else None
    unit = (
        Unit.objects.filter(email__iexact=f"{local}@{domain}", is_active=True)
        .order_by("pk")
        .first()
    )
    return Target(unit=unit) if unit else None


# ---------------------------------------------------------------------------
# Reading a message


def automatic_reason(message, envelope_from: str) -> str:
    """Why a message was written by a robot (bounce, auto-reply, list), or ""."""
    if not envelope_from:
        return "null sender"
    if message is None:
        return ""
    auto_submitted = str(message.get("Auto-Submitted", "") or "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = str(message.get("Precedence", "") or "").strip().lower()
    if precedence in AUTOMATIC_PRECEDENCE:
        return f"Precedence: {precedence}"
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if message.get(header) is not None:
            return header
    if message.get_content_type() == "multipart/report":
        return "delivery report"
    local, domain = addresses.split(envelope_from)
    if local.lower() in ROBOT_LOCAL_PARTS or domain in addresses.accepted_domains():
        return "robot sender"
    return ""


def _header(message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a header the parser cannot even decode
        return ""
    return " ".join(str(value or "").split())


REPLY_HEADER = re.compile(
    r"^\s*(le\s.+a\s+écrit|on\s.+wrote|.*<[^>]+@[^>]+>\s+a\s+écrit)\s*:\s*$", re.IGNORECASE
)
ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(original message|message d'origine|message original|forwarded message|"
    r"message transféré)\s*-{2,}",
    re.IGNORECASE,
)
OUTLOOK_HEADER = re.compile(r"^\s*(de|from)\s*:\s*\S.*$", re.IGNORECASE)


def strip_quoted(text: str) -> str:
    """The new text of a reply: without the quoted message under it ("> …", "Le … a
    écrit :", "-----Original Message-----", Outlook's "De : …" block) nor the
    signature. Falls back to the whole text when nothing would be left."""
    lines = text.replace("\r\n", "\n").split("\n")
    kept = []
    for position, line in enumerate(lines):
        following = lines[position + 1] if position + 1 < len(lines) else ""
        if REPLY_HEADER.match(line) or REPLY_HEADER.match(f"{line} {following}"):
            break
        if ORIGINAL_MESSAGE.match(line):
            break
        if OUTLOOK_HEADER.match(line) and re.match(
            r"^\s*(envoyé|sent|date)\s*:", following, re.IGNORECASE
        ):
            break
        if line.rstrip() == "--":
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    new_text = "\n".join(kept).strip()
    return new_text or text.strip()


@dataclasses.dataclass
class Parsed:
    message: object | None
    sender: str = ""
    sender_name: str = ""
    subject: str = ""
    message_id: str = ""
    text: str = ""
    attachments: list[tuple[str, bytes]] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)


def parse(content: bytes, envelope_from: str = "") -> Parsed:
    """Read what can be read of a message; what cannot is said in ``problems``."""
    try:
        message = email.message_from_bytes(content, policy=email.policy.default)
    except Exception:
        logger.warning("Unreadable inbound message", exc_info=True)
        return Parsed(
            message=None,
            sender=envelope_from,
            problems=[_("Le message est illisible : lisez le courriel d'origine.")],
        )
    parsed = Parsed(message=message)
    name, address = email.utils.parseaddr(_header(message, "From"))
    if "@" not in address:
        name, address = "", envelope_from
    parsed.sender, parsed.sender_name = address.strip().lower(), name.strip()[:200]
    parsed.subject = _header(message, "Subject")[:300]
    parsed.message_id = _header(message, "Message-ID")[:300]
    if message.defects:
        parsed.problems.append(
            _("Le message est mal formé (%(defects)s) : vérifiez-le dans le courriel d'origine.")
            % {"defects": ", ".join(sorted({type(d).__name__ for d in message.defects}))}
        )
    try:
        body = message.get_body(preferencelist=("plain", "html"))
        if body is not None:
            text = body.get_content()
            if body.get_content_type() == "text/html":
                text = strip_tags(text)
            parsed.text = strip_quoted(text)
    except Exception:
        parsed.problems.append(
            _("Le texte du message n'a pas pu être lu : lisez le courriel d'origine.")
        )
    try:
        parts = list(message.iter_attachments()) if message.is_multipart() else []
    except Exception:
        parts = []
        parsed.problems.append(
            _("Les pièces jointes n'ont pas pu être lues : lisez le courriel d'origine.")
        )
    for part in parts:
        try:
            content = part.get_payload(decode=True) or b""
        except Exception:
            content = b""
        parsed.attachments.append((part.get_filename() or _("pièce jointe"), content))
    return parsed


# ---------------------------------------------------------------------------
# Receiving


def receive(*, envelope_from: str, recipients: list[str], content: bytes) -> InboundEmail:
    """File one message received for ``recipients`` (addresses already accepted by
    ``resolve_recipient``). Raises MissingSender when there is nobody to answer."""
    envelope_from = (envelope_from or "").strip().strip("<>").lower()
    targets = [target for target in map(resolve_recipient, recipients) if target]
    if not targets:
        raise ValueError("no recipient of ours")
    # A reply to a case first; otherwise the first unit written to.
    target = next((t for t in targets if t.case), targets[0])
    recipient = next(r for r in recipients if resolve_recipient(r) == target)
    parsed = parse(content, envelope_from)
    is_report = parsed.message is not None and (
        parsed.message.get_content_type() == "multipart/report"
    )
    if not parsed.sender and not is_report:
        # No From header, no return path, and not a delivery report: nobody to
        # answer, nobody to thread it on. Refused, so the sending server says so.
        raise MissingSender
    automatic = automatic_reason(parsed.message, envelope_from)
    with transaction.atomic():
        inbound = InboundEmail(
            organisation_id=target.unit.organisation_id,
            unit=target.unit,
            envelope_from=envelope_from[:320],
            from_address=parsed.sender[:320],
            from_name=parsed.sender_name,
            recipient=recipient[:320],
            subject=parsed.subject,
            header_message_id=parsed.message_id,
            body=parsed.text,
            size=len(content),
            attachment_count=len(parsed.attachments),
            problems=list(parsed.problems),
        )
        inbound.raw.save("message.eml", ContentFile(content), save=False)
        if automatic:
            inbound.status = InboundStatus.AUTOMATIC
            inbound.suggested_case = target.case
            inbound.problems.append(
                _("Message automatique (%(reason)s) : aucune suite.") % {"reason": automatic}
            )
            inbound.save()
            logger.info("Inbound message %s set aside: %s", inbound.pk, automatic)
            return inbound
        if target.case is not None:
            if target.case.person.email and target.case.person.email.lower() == parsed.sender:
                _file(inbound, person=target.case.person, case=target.case, parsed=parsed)
            else:
                inbound.status = InboundStatus.TRIAGE
                inbound.suggested_case = target.case
                inbound.save()
        else:
            people = list(
                Person.objects.filter(
                    organisation_id=target.unit.organisation_id, email__iexact=parsed.sender
                ).order_by("pk")[:2]
            )
            if len(people) == 1:
                _file(inbound, person=people[0], case=None, parsed=parsed)
            else:
                if len(people) > 1:
                    inbound.problems.append(
                        _("Plusieurs fiches portent cette adresse : choisissez la bonne.")
                    )
                inbound.status = InboundStatus.TRIAGE
                inbound.save()
        _acknowledge(inbound)
    return inbound


def message_body(inbound: InboundEmail, *, with_subject: bool) -> str:
    body = inbound.body.strip() or _("(Courriel sans texte : voir le courriel d'origine.)")
    if with_subject and inbound.subject:
        body = _("Objet : %(subject)s") % {"subject": inbound.subject} + "\n\n" + body
    if len(body) > BODY_MAX_LENGTH:
        ending = "\n" + _("[…] Suite dans le courriel d'origine.")
        body = body[: BODY_MAX_LENGTH - len(ending)] + ending
    return body


def _file(inbound: InboundEmail, *, person: Person, case: Case | None, parsed: Parsed, by=None):
    """The email becomes a message from the person, on the case's thread or to the
    unit; on a case, its attachments become the case's documents."""
    unit = case.unit if case else inbound.unit
    inbound.person, inbound.case = person, case
    if inbound.status != InboundStatus.ATTACHED:
        inbound.status = InboundStatus.THREADED if case else InboundStatus.ON_PERSON
    inbound.message = Message.objects.create(
        organisation_id=unit.organisation_id,
        case=case,
        person=person,
        unit=unit,
        author=person.user if person.user_id else None,
        direction=MessageDirection.FROM_CITIZEN,
        body=message_body(inbound, with_subject=case is None),
        answer_due_on=answer_due_on(unit=unit, case=case),
    )
    inbound.save()
    if case is not None:
        for name, content in parsed.attachments:
            try:
                checked = uploads.check_file(name, content)
                uploads.attach_to_case(
                    case=case,
                    checked=checked,
                    by=by,
                    reason=_("Pièce jointe à un courriel reçu le %(date)s.")
                    % {"date": timezone.localtime(inbound.received_at).strftime("%d/%m/%Y")},
                )
            except uploads.FileRefused as refused:
                inbound.problems.append(refused.message)
        inbound.save(update_fields=["problems"])


def file_from_triage(
    *, inbound: InboundEmail, person: Person, case: Case | None, by
) -> InboundEmail:
    """An agent attaches an email of the triage queue to a person, and maybe a case."""
    parsed = parse(inbound.raw.read() if inbound.raw else b"", inbound.envelope_from)
    inbound.raw.close()
    inbound.status = InboundStatus.ATTACHED
    inbound.handled_by, inbound.handled_at = by, timezone.now()
    _file(inbound, person=person, case=case, parsed=parsed, by=by)
    return inbound


def _acknowledge(inbound: InboundEmail) -> None:
    """One acknowledgement a day per sender at most: even a robot we failed to spot
    cannot make us loop. Recorded in the outbox, in the transaction of the reception."""
    recent = (
        InboundEmail.objects.filter(
            from_address=inbound.from_address,
            received_at__gte=timezone.now() - ACKNOWLEDGEMENT_INTERVAL,
        )
        .exclude(status=InboundStatus.AUTOMATIC)
        .exclude(pk=inbound.pk)
        .exists()
    )
    if recent or not inbound.from_address:
        return
    from .outgoing import inbound_acknowledgement_email

    outbox_put(
        handler=inbound_acknowledgement_email,
        key=f"inbound:{inbound.pk}:acknowledgement",
        inbound_id=inbound.pk,
    )
