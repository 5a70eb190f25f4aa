"""The API's part of the access journal: one entry per operation that reaches a person's
data, written where the operations fetch the case or the appointment they act on."""

from django.http import HttpRequest

from parcours.privacy.enums import JournalAction, JournalPurpose, JournalVia
from parcours.privacy.journal import record_access


def journal_api_access(request: HttpRequest, person, *, case=None, obj=None) -> None:
    """A read for GET, a change for any other method, by the token's agent."""
    record_access(
        request.agent.user,
        person,
        JournalAction.READ if request.method == "GET" else JournalAction.CHANGE,
        case=case,
        obj=obj,
        purpose=JournalPurpose.APPOINTMENT if obj is not None else JournalPurpose.CASE_HANDLING,
        request=request,
        via=JournalVia.API,
    )
