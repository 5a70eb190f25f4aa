"""The mentions of the receipt (CRPA L112-3, R112-5), frozen on the Receipt row."""

import datetime

import pytest

from parcours.cases import services
from parcours.cases.models import Receipt
from parcours.catalog.enums import ImplicitDecision
from parcours.organisations.models import Unit
from tests.factories import CaseFactory, date

pytestmark = pytest.mark.sqlite

SUBMITTED_AT = datetime.datetime(2026, 3, 2, 9, 15, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def on_monday_2_march(time_machine):
    time_machine.move_to(SUBMITTED_AT, tick=False)


@pytest.fixture
def submit(citizen_a):
    def submit(procedure):
        return services.case_submit(
            case=CaseFactory(procedure=procedure, person=citizen_a), by=citizen_a.user
        )

    return submit


def test_the_receipt_gives_the_date_of_receipt_and_the_handling_service(submit, procedure):
    receipt = submit(procedure).receipt

    assert receipt.issued_at == SUBMITTED_AT
    assert receipt.received_on == date("2026-03-02")
    assert receipt.procedure_title == "Inscription scolaire"
    assert receipt.person_name == "Alice Durand"
    assert receipt.service_name == "Service Éducation — Ville de Bellerive"
    assert receipt.service_address == "1 place de la Mairie\n45000 Bellerive"
    assert receipt.service_email == "service@ville.example.org"
    assert receipt.service_phone == "02 38 00 00 01"
    assert receipt.legal_basis == "Code des relations entre le public et l'administration"


@pytest.mark.parametrize(
    ("procedure_fixture", "rule"),
    [
        ("procedure", ImplicitDecision.ACCEPTANCE),
        ("rejecting_procedure", ImplicitDecision.REJECTION),
    ],
)
def test_the_receipt_says_when_silence_becomes_a_decision_and_which_one(
    submit, request, procedure_fixture, rule
):
    receipt = submit(request.getfixturevalue(procedure_fixture)).receipt

    assert receipt.decision_due_on == date("2026-05-02")
    assert receipt.implicit_decision == rule


def test_the_receipt_of_an_implicit_rejection_names_the_administrative_court(
    submit, rejecting_procedure
):
    receipt = submit(rejecting_procedure).receipt

    assert receipt.appeal_court == "Tribunal administratif d'Orléans"
    assert receipt.appeal_court_address == "28 rue de la Bretonnerie\n45057 Orléans Cedex 1"


def test_the_receipt_of_a_procedure_without_implicit_decision_gives_no_date(
    submit, silent_procedure
):
    receipt = submit(silent_procedure).receipt

    assert receipt.decision_due_on is None
    assert receipt.implicit_decision == ImplicitDecision.NONE


def test_the_receipt_is_frozen_when_the_service_changes_later(submit, procedure, unit_1):
    case = submit(procedure)
    Unit.objects.filter(pk=unit_1.pk).update(phone="02 38 99 99 99", name="Pôle Familles")
    procedure.title = "Inscription à l'école"
    procedure.save()

    case.receipt.refresh_from_db()
    assert case.receipt.service_phone == "02 38 00 00 01"
    assert case.receipt.service_name == "Service Éducation — Ville de Bellerive"
    assert case.receipt.procedure_title == "Inscription scolaire"


def test_a_case_has_one_receipt_issued_with_the_submission(submit, procedure):
    case = submit(procedure)

    assert Receipt.objects.filter(case=case).count() == 1
    assert case.receipt.case == case
    assert case.receipt.organisation_id == case.organisation_id
    assert not case.receipt.pdf


def test_issuing_a_receipt_names_the_referent_when_there_is_one(submit, procedure, agent_1):
    case = services.case_start_review(case=submit(procedure), by=agent_1.user)
    case.receipt.delete()

    receipt = services.issue_receipt(case, now=SUBMITTED_AT)

    assert receipt.referent_name == "Claire Martin"
    assert receipt.referent_title == "Instructeur"
    assert receipt.received_on == case.received_on
    assert receipt.decision_due_on == case.decision_due_on


def test_a_receipt_issued_before_a_referent_is_named_leaves_the_name_blank(submit, procedure):
    receipt = submit(procedure).receipt

    assert receipt.referent_name == ""
    assert receipt.referent_title == ""
