"""Tell us once, for documents: a piece the person already gave is offered again, only
to them, and copied only with their consent, which is recorded."""

import datetime

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parcours.cases import selectors, services
from parcours.cases.enums import CaseState, EventKind
from parcours.cases.errors import CaseError, NotAllowed
from parcours.cases.models import CaseEvent, Document
from parcours.people.models import DataSharingConsent
from tests.factories import AgentFactory, OrganisationFactory, PersonFactory, UnitFactory

from .tell_us_once import earlier_request, procedure_asking_again
from .test_documents_service import PDF

pytestmark = pytest.mark.sqlite


@pytest.fixture
def procedure(unit_1):
    return procedure_asking_again(unit_1)


@pytest.fixture
def given(citizen_a, procedure):
    """A proof of address Alice gave with a request she sent."""
    _case, document = earlier_request(person=citizen_a, procedure=procedure)
    return document


@pytest.fixture
def new_draft(citizen_a, procedure):
    return services.case_create_draft(person=citizen_a, procedure=procedure, by=citizen_a.user)


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("facture.pdf", PDF, content_type="application/pdf")


def offered(case, user, **options) -> list[Document]:
    return list(selectors.reusable_documents(case=case, user=user, **options))


def test_a_piece_given_for_an_earlier_request_is_offered_to_its_owner(given, new_draft, citizen_a):
    assert offered(new_draft, citizen_a.user) == [given]


def test_nothing_is_offered_to_anyone_else_even_on_the_owners_draft(
    given, new_draft, citizen_b, agent_1
):
    assert offered(new_draft, citizen_b.user) == []
    assert offered(new_draft, agent_1.user) == []


def test_another_citizens_pieces_are_never_offered(given, citizen_b, procedure):
    draft = services.case_create_draft(person=citizen_b, procedure=procedure, by=citizen_b.user)

    assert offered(draft, citizen_b.user) == []


def test_a_piece_older_than_its_validity_is_not_offered(given, new_draft, citizen_a):
    # The proof of address is valid 90 days for this procedure.
    later = timezone.now() + datetime.timedelta(days=91)

    assert offered(new_draft, citizen_a.user, now=later) == []
    assert offered(new_draft, citizen_a.user, now=later - datetime.timedelta(days=2)) == [given]


def test_without_valid_days_a_piece_is_reusable_for_a_year(citizen_a, procedure, new_draft):
    _case, identity = earlier_request(person=citizen_a, procedure=procedure, kind_code="identite")

    in_a_year = timezone.now() + datetime.timedelta(days=364)
    assert offered(new_draft, citizen_a.user, now=in_a_year) == [identity]
    assert offered(new_draft, citizen_a.user, now=in_a_year + datetime.timedelta(days=2)) == []


def test_a_piece_of_a_draft_or_of_a_kind_not_asked_for_is_not_offered(
    citizen_a, procedure, new_draft
):
    other_draft = services.case_create_draft(
        person=citizen_a, procedure=procedure, by=citizen_a.user
    )
    services.document_add(
        case=other_draft, by=citizen_a.user, upload=upload(), kind_code="domicile"
    )
    # A piece given as "another document", with no kind: nothing to match it to.
    earlier_request(person=citizen_a, procedure=procedure, kind_code="")

    assert offered(new_draft, citizen_a.user) == []


def test_reusing_copies_the_file_and_records_the_consent_and_an_event(
    given, new_draft, citizen_a, organisation
):
    copy = services.document_reuse(case=new_draft, source=given, by=citizen_a.user)

    assert copy.case == new_draft
    assert copy.source == given
    assert (copy.kind_code, copy.original_name, copy.sha256) == (
        "domicile",
        "facture.pdf",
        given.sha256,
    )
    assert copy.file.name != given.file.name
    assert copy.file.name.startswith(f"cases/{organisation.pk}/{new_draft.pk}/")
    with storages["private"].open(copy.file.name) as stored:
        assert stored.read() == PDF
    consent = DataSharingConsent.objects.get()
    assert (consent.person, consent.user, consent.organisation) == (
        citizen_a,
        citizen_a.user,
        organisation,
    )
    assert (consent.source_case, consent.target_case, consent.document) == (
        given.case,
        new_draft,
        copy,
    )
    assert consent.what == "Pièce « Justificatif de domicile » : facture.pdf"
    assert consent.withdrawn_at is None
    event = CaseEvent.objects.get(case=new_draft)
    assert event.kind == EventKind.DOCUMENT_ADDED
    assert event.actor == citizen_a.user
    assert given.case.reference in event.reason
    assert "avec l'accord de la personne" in event.reason
    assert event.data["source_document_id"] == given.pk
    assert event.data["consent_id"] == consent.pk


def test_a_reused_piece_is_not_offered_again_and_a_second_click_makes_no_second_copy(
    given, new_draft, citizen_a
):
    first = services.document_reuse(case=new_draft, source=given, by=citizen_a.user)

    again = services.document_reuse(case=new_draft, source=given, by=citizen_a.user)

    assert again == first
    assert Document.objects.filter(case=new_draft).count() == 1
    assert DataSharingConsent.objects.count() == 1
    assert offered(new_draft, citizen_a.user) == []


def test_taking_a_reused_piece_back_withdraws_the_consent(given, new_draft, citizen_a):
    copy = services.document_reuse(case=new_draft, source=given, by=citizen_a.user)

    services.document_remove(document=copy, by=citizen_a.user)

    consent = DataSharingConsent.objects.get()
    assert consent.withdrawn_at is not None
    assert consent.document is None
    assert Document.objects.filter(pk=given.pk).exists()


def test_another_citizens_piece_cannot_be_reused(citizen_a, citizen_b, procedure, new_draft):
    _case, theirs = earlier_request(person=citizen_b, procedure=procedure)

    with pytest.raises(CaseError, match="ne peut pas être réutilisé"):
        services.document_reuse(case=new_draft, source=theirs, by=citizen_a.user)

    assert not Document.objects.filter(case=new_draft).exists()
    assert not DataSharingConsent.objects.exists()


@pytest.mark.parametrize("who", ["citizen_b", "agent_1", "helper"])
def test_only_the_person_may_consent_to_reuse_their_piece(request, given, new_draft, who):
    someone = request.getfixturevalue(who)

    with pytest.raises(NotAllowed):
        services.document_reuse(case=new_draft, source=given, by=someone.user)

    assert not DataSharingConsent.objects.exists()


def test_a_piece_is_not_reused_into_a_closed_case(given, citizen_a, procedure):
    sent, _document = earlier_request(person=citizen_a, procedure=procedure, kind_code="")
    withdrawn = services.case_withdraw(case=sent, by=citizen_a.user)
    assert withdrawn.state == CaseState.WITHDRAWN

    with pytest.raises(CaseError, match="clos"):
        services.document_reuse(case=withdrawn, source=given, by=citizen_a.user)

    assert not DataSharingConsent.objects.exists()


def test_the_same_account_in_another_administration_is_offered_its_piece(
    given, citizen_a, organisation
):
    department = UnitFactory(organisation=OrganisationFactory(name="Département du Val"))
    there = PersonFactory(organisation=department.organisation, user=citizen_a.user)
    draft = services.case_create_draft(
        person=there, procedure=procedure_asking_again(department), by=citizen_a.user
    )

    assert offered(draft, citizen_a.user) == [given]
    copy = services.document_reuse(case=draft, source=given, by=citizen_a.user)

    assert copy.organisation_id == department.organisation_id
    consent = DataSharingConsent.objects.get()
    assert consent.organisation == department.organisation
    assert consent.person == there
    assert consent.source_case.organisation == organisation


def test_an_agent_of_another_administration_never_sees_the_piece(given, citizen_a):
    department = UnitFactory(organisation=OrganisationFactory(name="Département du Val"))
    agent = AgentFactory(unit=department)
    there = PersonFactory(organisation=department.organisation, user=citizen_a.user)
    draft = services.case_create_draft(
        person=there, procedure=procedure_asking_again(department), by=agent.user
    )

    assert offered(draft, agent.user) == []
    with pytest.raises(NotAllowed):
        services.document_reuse(case=draft, source=given, by=agent.user)
