"""Writes on appointments: book, move, cancel; the agents' check-in, no-show and notes;
exceptional closures; the waiting list; the email code of bookings without an account.

Fairness rules live here, and only here:

* **No double booking.** A booking locks the appointment type's row, counts the seats
  held in the slot and takes a free one; the unique constraint on (type, start, seat)
  refuses a second holder even if a lock were missing (SQLite serialises writers).
* **No hoarding.** A booking locks the person's records and counts their upcoming
  appointments, for this procedure and in all, before booking.
* **Freed slots are offered in order.** A cancelled or moved slot goes first to the
  oldest waiting-list entry it suits, held for a limited time; otherwise it is free at
  once for everyone.

Locks are always taken in the same order (people, then appointment types, then
appointments and waiting-list entries), so concurrent writes never deadlock. Emails
are queued after the commit. An API operation calls these functions as they are.
"""

from .at_the_unit import (
    appointment_add_note,
    appointment_assign,
    appointment_check_in,
    appointment_mark_no_show,
)
from .booking import (
    appointment_book,
    appointment_cancel,
    appointment_move,
    person_find_or_record,
    person_for_booking,
    person_record_create,
)
from .closures import closure_create, may_manage_unit
from .common import (
    LANGUAGE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    agent_of_unit,
    clean_details,
)
from .email_codes import TooManyCodes, email_code_send, email_code_verify
from .reminders import send_due_reminders
from .waiting_list import (
    expire_offers,
    offer_accept,
    offer_decline,
    waiting_list_join,
    waiting_list_leave,
)

__all__ = [
    "LANGUAGE_MAX_LENGTH",
    "NOTE_MAX_LENGTH",
    "REASON_MAX_LENGTH",
    "TooManyCodes",
    "agent_of_unit",
    "appointment_add_note",
    "appointment_assign",
    "appointment_book",
    "appointment_cancel",
    "appointment_check_in",
    "appointment_mark_no_show",
    "appointment_move",
    "clean_details",
    "closure_create",
    "email_code_send",
    "email_code_verify",
    "expire_offers",
    "may_manage_unit",
    "offer_accept",
    "offer_decline",
    "person_find_or_record",
    "person_for_booking",
    "person_record_create",
    "send_due_reminders",
    "waiting_list_join",
    "waiting_list_leave",
]
