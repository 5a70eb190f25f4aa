"""Retention: closed cases are anonymised, and their documents deleted, when due.

Each procedure says how long (``Procedure.retention_months`` for the case,
``document_retention_months`` for its documents), counted from the closure: the last
event recorded on a case in a final state (its decision, withdrawal or closure, or
anything recorded after it, which only delays the purge).

A due case is **anonymised, not deleted**: the answers, the person's own words, the
exchanges, the reasons written by agents and every file disappear; the row stays with
its procedure, unit, channel, state and dates, so that counts, durations and the daily
statistics (parcours/stats) stay true. The person record is anonymised too once none
of its cases still holds data and nothing is open. Each step is recorded once in
``RetentionRecord`` and in the access journal (``via=system``), so a run repeated,
interrupted or run by two workers at once does each thing once.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from parcours.cases.enums import FINAL_STATES
from parcours.cases.models import Case, CaseCorrection, CaseEvent, Decision, Document, Receipt
from parcours.contacts.models import CallbackRequest, Message
from parcours.people.models import Person

from .enums import JournalAction, JournalPurpose, JournalVia
from .journal import record_access
from .models import RetentionAction, RetentionRecord

logger = logging.getLogger(__name__)

ANONYMOUS_NAME = "—"


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, _days_in_month(year, month))
    return moment.replace(year=year, month=month, day=day)


def _days_in_month(year: int, month: int) -> int:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return (following - datetime.timedelta(days=1)).day


def closed_cases():
    """Cases in a final state, with the moment of their closure (``closed_at``)."""
    return (
        Case.objects.filter(state__in=FINAL_STATES)
        .annotate(closed_at=Max("events__created_at"))
        .select_related("procedure", "person")
    )


def documents_due_on(case) -> datetime.datetime | None:
    if case.closed_at is None:
        return None
    return add_months(case.closed_at, case.procedure.document_retention_months)


def anonymisation_due_on(case) -> datetime.datetime | None:
    if case.closed_at is None:
        return None
    return add_months(case.closed_at, case.procedure.retention_months)


@dataclass
class RetentionReport:
    documents_deleted: int = 0
    cases_with_documents_deleted: list[int] = field(default_factory=list)
    cases_anonymised: list[int] = field(default_factory=list)
    people_anonymised: list[int] = field(default_factory=list)


def run_retention(*, now: datetime.datetime | None = None) -> RetentionReport:
    """Do what is due at ``now``; return what was done."""
    now = now or timezone.now()
    report = RetentionReport()
    done = set(RetentionRecord.objects.values_list("case_id", "action"))
    for case in closed_cases().iterator(chunk_size=500):
        documents_due = documents_due_on(case)
        if (
            documents_due is not None
            and documents_due <= now
            and (case.pk, RetentionAction.DOCUMENTS_DELETED) not in done
        ):
            count = delete_documents(case, now=now)
            report.documents_deleted += count
            report.cases_with_documents_deleted.append(case.pk)
        anonymisation_due = anonymisation_due_on(case)
        if (
            anonymisation_due is not None
            and anonymisation_due <= now
            and (case.pk, RetentionAction.CASE_ANONYMISED) not in done
        ):
            anonymise_case(case, now=now)
            report.cases_anonymised.append(case.pk)
            if anonymise_person_if_done(case.person, now=now):
                report.people_anonymised.append(case.person_id)
    logger.info(
        "Retention: %s documents deleted, %s cases anonymised, %s people anonymised",
        report.documents_deleted,
        len(report.cases_anonymised),
        len(report.people_anonymised),
    )
    return report


def _delete_files(files) -> None:
    for file in files:
        if file:
            # After commit: a rolled-back run keeps its files with its rows.
            transaction.on_commit(lambda f=file: f.storage.delete(f.name))


def delete_documents(case: Case, *, now: datetime.datetime) -> int:
    with transaction.atomic():
        record, created = RetentionRecord.objects.get_or_create(
            case=case,
            action=RetentionAction.DOCUMENTS_DELETED,
            defaults={"organisation_id": case.organisation_id, "done_at": now},
        )
        if not created:
            return 0
        documents = list(Document.objects.filter(case=case))
        _delete_files([document.file for document in documents])
        Document.objects.filter(pk__in=[d.pk for d in documents]).delete()
        record.count = len(documents)
        record.save(update_fields=["count"])
        record_access(
            None,
            case.person,
            JournalAction.DELETE,
            case=case,
            purpose=JournalPurpose.RETENTION,
            via=JournalVia.SYSTEM,
            reason=f"{len(documents)}",
            now=now,
        )
    return len(documents)


def _journal_source(by) -> dict:
    """Who anonymises, for the journal: the retention job, or an agent answering an
    erasure request (``by``)."""
    if by is None:
        return {"purpose": JournalPurpose.RETENTION, "via": JournalVia.SYSTEM}
    return {"purpose": JournalPurpose.RIGHTS_REQUEST, "via": JournalVia.BACKOFFICE}


def anonymise_case(case: Case, *, now: datetime.datetime, by=None) -> None:
    """Blank the case's words and files (see the module). ``by``: the agent answering an
    erasure request; None for the retention job."""
    with transaction.atomic():
        _record, created = RetentionRecord.objects.get_or_create(
            case=case,
            action=RetentionAction.CASE_ANONYMISED,
            defaults={"organisation_id": case.organisation_id, "done_at": now},
        )
        if not created:
            return
        documents = list(Document.objects.filter(case=case))
        _delete_files([document.file for document in documents])
        Document.objects.filter(pk__in=[d.pk for d in documents]).delete()
        Case.objects.filter(pk=case.pk).update(
            form_data={}, prefilled={}, situation="", latitude=None, longitude=None
        )
        # Events and corrections are append-only for the application; the purge is the
        # one writer allowed to blank their words (the kinds and dates stay).
        CaseEvent.objects.filter(case=case).update(reason="", data={})
        CaseCorrection.objects.filter(case=case).update(explanation="", changes=[])
        decisions = list(Decision.objects.filter(case=case))
        _delete_files([decision.letter_pdf for decision in decisions])
        Decision.objects.filter(case=case).update(reasons="", letter_pdf="")
        receipts = list(Receipt.objects.filter(case=case))
        _delete_files([receipt.pdf for receipt in receipts])
        Receipt.objects.filter(case=case).update(pdf="")
        Message.objects.filter(case=case).update(body="")
        CallbackRequest.objects.filter(case=case).update(topic="", phone="")
        record_access(
            by, case.person, JournalAction.ANONYMISE, case=case, now=now, **_journal_source(by)
        )


def anonymise_person_if_done(person: Person, *, now: datetime.datetime, by=None) -> bool:
    """Anonymise the person record once every one of its cases is anonymised and
    nothing of theirs is open (a draft, an open case)."""
    cases = Case.objects.filter(person=person)
    anonymised = RetentionRecord.objects.filter(
        case__person=person, action=RetentionAction.CASE_ANONYMISED
    ).values("case_id")
    if cases.exclude(pk__in=anonymised).exists():
        return False
    if person.family_name == ANONYMOUS_NAME and person.user_id is None:
        return False
    with transaction.atomic():
        Person.objects.filter(pk=person.pk).update(
            user=None,
            given_name=ANONYMOUS_NAME,
            family_name=ANONYMOUS_NAME,
            usual_name="",
            birth_date=None,
            birth_place="",
            legal_entity_name="",
            legal_entity_siret="",
            email="",
            phone="",
            street="",
            postcode="",
            city="",
            accessibility_needs=[],
            accessibility_note="",
        )
        Message.objects.filter(person=person).update(body="")
        record_access(by, person, JournalAction.ANONYMISE, now=now, **_journal_source(by))
    return True
