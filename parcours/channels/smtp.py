"""The SMTP server that receives the administration's email (aiosmtpd).

Recipients are checked at RCPT time: an address that is not ours gets 550 and the
sending server tells its user at once. The size limit is announced (ESMTP SIZE) and
enforced: a larger message gets 552, so it is refused, never lost silently. A
message is acknowledged (250) only once it is stored; if storing fails, the answer
is 451 and the sending server tries again later.
"""

import logging

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from . import inbound

logger = logging.getLogger(__name__)


def _accepts(address: str) -> bool:
    close_old_connections()
    try:
        return inbound.resolve_recipient(address) is not None
    finally:
        close_old_connections()


def _receive(envelope_from: str, recipients: list[str], content: bytes) -> int:
    close_old_connections()
    try:
        return inbound.receive(
            envelope_from=envelope_from, recipients=recipients, content=content
        ).pk
    finally:
        close_old_connections()


class InboundHandler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not await sync_to_async(_accepts, thread_sensitive=False)(address):
            return f"550 5.1.1 <{address}>: no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        try:
            pk = await sync_to_async(_receive, thread_sensitive=False)(
                envelope.mail_from or "", list(envelope.rcpt_tos), content
            )
        except inbound.MissingSender:
            return "550 5.7.1 No sender: the message has neither a From header nor a return path"
        except Exception:
            logger.exception("Inbound message from %s could not be stored", envelope.mail_from)
            return "451 4.3.0 Temporary failure, please try again later"
        logger.info("Inbound message %s stored", pk)
        return f"250 2.0.0 Message accepted ({pk})"


def controller(*, host: str | None = None, port: int | None = None) -> Controller:
    return Controller(
        InboundHandler(),
        hostname=host or settings.PARCOURS_INBOUND_HOST,
        port=port or settings.PARCOURS_INBOUND_PORT,
        data_size_limit=settings.PARCOURS_INBOUND_MAX_BYTES,
        # 8BITMIME and SMTPUTF8: names and addresses in any language arrive as sent.
        decode_data=False,
        enable_SMTPUTF8=True,
        ident="Parcours",
    )
