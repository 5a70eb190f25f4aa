"""The handling of people's requests about their data in the back-office: who sees them,
the legal due date, taking them in charge, extending, accepting (correction, erasure)
and refusing with a legal ground; each step shown to the person and emailed."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.cases import services as case_services
from parcours.cases.enums import CaseState
from parcours.cases.models import Case
from parcours.people.enums import DisputeStatus
from parcours.people.models import IdentityDispute, Person
from parcours.people.provenance import VERIFIED, held_records
from parcours.privacy import handling
from parcours.privacy.enums import (
    JournalAction,
    JournalPurpose,
    RightsEventKind,
    RightsRequestKind,
    RightsRequestStatus,
)
from parcours.privacy.errors import RightsError
from parcours.privacy.models import AccessLogEntry, RetentionRecord, RightsRequest
from parcours.privacy.rights import rights_request_create
from tests.backoffice.conftest import verified
from tests.factories import CaseFactory


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    for name in ("_after_commit_render_receipt", "_after_commit_render_decision_letter"):
        monkeypatch.setattr(case_services, name, lambda *args: None, raising=False)


def _request(citizen, kind=RightsRequestKind.CORRECTION, details="Mon nom est mal écrit.", **kw):
    return rights_request_create(
        user=citizen.user, person_id=None, kind=kind, details=details, **kw
    )


@pytest.fixture
def correction(citizen_a, submitted):
    """Citizen A, who has a case in unit 1, asks for a correction."""
    return _request(citizen_a)


def _url(name, rights_request):
    return reverse(f"backoffice:{name}", args=[rights_request.pk])


# --- Who may see and answer --------------------------------------------------------------


def test_the_due_date_is_one_month_from_receipt(correction):
    received = timezone.localtime(correction.created_at).date()
    assert correction.due_on == received + datetime.timedelta(days=30)
    assert [event.kind for event in correction.events.all()] == [RightsEventKind.RECEIVED]


def test_the_manager_of_the_unit_holding_the_persons_case_and_the_administrator_see_it(
    correction, manager, org_admin, manager_2, agent_1
):
    assert list(handling.requests_for_handler(manager)) == [correction]
    assert list(handling.requests_for_handler(org_admin)) == [correction]
    assert not handling.requests_for_handler(manager_2).exists()
    assert not handling.requests_for_handler(agent_1).exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "sign_in"),
        ("citizen_a", HTTPStatus.FORBIDDEN),
        ("citizen_b", HTTPStatus.FORBIDDEN),
        ("helper", HTTPStatus.FORBIDDEN),
        ("agent_1", HTTPStatus.FORBIDDEN),
        ("manager_2", HTTPStatus.NOT_FOUND),
        ("other_organisation_admin", HTTPStatus.NOT_FOUND),
    ],
)
def test_others_are_refused_the_request_and_its_steps(client, correction, role, expected, request):
    if role == "other_organisation_admin":
        from parcours.organisations.enums import AgentRole
        from tests.factories import AgentFactory, UnitFactory

        other = AgentFactory(unit=UnitFactory(), role=AgentRole.ORGANISATION_ADMIN)
        verified(client, other.user)
    elif role in {"citizen_a", "citizen_b"}:
        client.force_login(request.getfixturevalue(role).user)
    elif role != "anonymous":
        verified(client, request.getfixturevalue(role).user)
    responses = [
        client.get(_url("rights_request", correction)),
        client.post(_url("rights_request_take", correction)),
        client.post(
            _url("rights_request_refuse", correction),
            {"ground": "data_accurate", "explanation": "Non."},
        ),
    ]
    for response in responses:
        if expected == "sign_in":
            assert response.status_code == HTTPStatus.FOUND
            assert response["Location"].startswith(reverse("backoffice:login"))
        else:
            assert response.status_code == expected
    correction.refresh_from_db()
    assert correction.status == RightsRequestStatus.RECEIVED


def test_the_list_shows_the_due_date_and_flags_overdue_requests(
    client, correction, citizen_a, manager, django_assert_max_num_queries
):
    late = _request(citizen_a, kind=RightsRequestKind.OBJECTION, details="Je m'oppose.")
    RightsRequest.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    verified(client, manager.user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("backoffice:rights_requests"))
    text = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "En retard" in text
    assert "1 demande a dépassé sa date limite" in text

    only_late = client.get(reverse("backoffice:rights_requests"), {"overdue": "on"})
    assert list(only_late.context["page"].object_list) == [late]
    corrections = client.get(reverse("backoffice:rights_requests"), {"kind": "correction"})
    assert list(corrections.context["page"].object_list) == [correction]


def test_reading_the_request_writes_the_handlers_read_in_the_journal(
    client, correction, manager, citizen_a
):
    verified(client, manager.user)
    response = client.get(_url("rights_request", correction))
    assert response.status_code == HTTPStatus.OK
    assert "Mon nom est mal écrit." in response.content.decode()
    entry = AccessLogEntry.objects.filter(person_id=citizen_a.pk).order_by("-pk").first()
    assert entry.action == JournalAction.READ
    assert entry.purpose == JournalPurpose.RIGHTS_REQUEST
    assert entry.actor_id == manager.user_id


# --- Steps -----------------------------------------------------------------------------------


def test_taking_in_charge_is_shown_to_the_person_and_emailed(
    client, correction, manager, citizen_a, mailoutbox, django_capture_on_commit_callbacks
):
    verified(client, manager.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("rights_request_take", correction))
    assert response.status_code == HTTPStatus.FOUND
    correction.refresh_from_db()
    assert correction.status == RightsRequestStatus.IN_PROGRESS
    assert correction.handler == manager.user
    assert [message.subject for message in mailoutbox][-1] == (
        "Votre demande sur vos données : Prise en charge"
    )
    assert mailoutbox[-1].to == [citizen_a.email]

    client.force_login(citizen_a.user)
    page = client.get(reverse("portal:my_data")).content.decode()
    assert "Prise en charge" in page


def test_the_deadline_is_extended_once_by_two_months_with_a_reason(client, correction, manager):
    verified(client, manager.user)
    due = correction.due_on
    empty = client.post(_url("rights_request_extend", correction), {"reason": ""})
    assert empty.status_code == HTTPStatus.OK
    assert "pourquoi il faut plus de temps" in empty.content.decode()

    client.post(
        _url("rights_request_extend", correction), {"reason": "Trois services à consulter."}
    )
    correction.refresh_from_db()
    assert correction.due_on == handling.add_months(due, 2)
    assert correction.extension_reason == "Trois services à consulter."
    with pytest.raises(RightsError, match="déjà été prolongé"):
        handling.rights_request_extend(request=correction, agent=manager, reason="Encore.")


def test_accepting_a_correction_writes_the_value_verified_by_an_agent(
    client, correction, manager, citizen_a, mailoutbox, django_capture_on_commit_callbacks
):
    verified(client, manager.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("rights_request_accept", correction),
            {"answer": "C'est corrigé.", "field": "family_name", "value": "Durand-Leroy"},
        )
    assert response.status_code == HTTPStatus.FOUND
    citizen_a.refresh_from_db()
    assert citizen_a.family_name == "Durand-Leroy"
    assert IdentityDispute.objects.get(person=citizen_a).status == DisputeStatus.RESOLVED
    [record] = held_records(citizen_a.user)
    origins = {value.label: value.origin for value in record.values}
    assert origins["Nom de naissance"] == str(VERIFIED)
    correction.refresh_from_db()
    assert correction.status == RightsRequestStatus.DONE
    assert "« Durand » devient « Durand-Leroy »" in correction.answer
    assert AccessLogEntry.objects.filter(
        person_id=citizen_a.pk, action=JournalAction.CHANGE, actor_id=manager.user_id
    ).exists()
    assert "Réponse : demande satisfaite" in mailoutbox[-1].subject
    assert "C'est corrigé." in mailoutbox[-1].body


def test_a_bad_corrected_value_is_refused_politely_and_the_answer_is_kept(
    client, correction, manager, citizen_a
):
    verified(client, manager.user)
    response = client.post(
        _url("rights_request_accept", correction),
        {"answer": "Voici la correction.", "field": "birth_date", "value": "31/02/1990"},
    )
    assert response.status_code == HTTPStatus.OK
    text = response.content.decode()
    assert "jj/mm/aaaa" in text
    assert "Voici la correction." in text
    correction.refresh_from_db()
    assert correction.status == RightsRequestStatus.RECEIVED


def test_a_refusal_needs_a_legal_ground_and_reasons(client, correction, manager, citizen_a):
    verified(client, manager.user)
    missing = client.post(
        _url("rights_request_refuse", correction), {"ground": "", "explanation": "Mes raisons."}
    )
    assert missing.status_code == HTTPStatus.OK
    assert "Choisissez le motif légal du refus." in missing.content.decode()
    assert "Mes raisons." in missing.content.decode()

    client.post(
        _url("rights_request_refuse", correction),
        {"ground": "data_accurate", "explanation": "L'acte de naissance dit Durand."},
    )
    correction.refresh_from_db()
    assert correction.status == RightsRequestStatus.REFUSED
    assert correction.refusal_ground == "data_accurate"
    assert "CNIL" in correction.answer
    with pytest.raises(RightsError, match="déjà reçu sa réponse"):
        handling.rights_request_take(request=correction, agent=manager)


# --- Erasure -------------------------------------------------------------------------------


@pytest.fixture
def closed_case(procedure, citizen_a):
    case = CaseFactory(procedure=procedure, person=citizen_a, form_data={"subject": "Cantine"})
    case = case_services.case_submit(case=case, by=citizen_a.user)
    return case_services.case_withdraw(case=case, by=citizen_a.user)


def test_erasure_empties_what_the_handler_chose_and_explains_what_is_kept(
    client, procedure, citizen_a, closed_case, org_admin
):
    kept_case = CaseFactory(procedure=procedure, person=citizen_a, form_data={"subject": "Gardé"})
    kept_case = case_services.case_withdraw(
        case=case_services.case_submit(case=kept_case, by=citizen_a.user), by=citizen_a.user
    )
    draft = CaseFactory(procedure=procedure, person=citizen_a, form_data={"subject": "Brouillon"})
    erasure = _request(citizen_a, kind=RightsRequestKind.ERASURE, details="Effacez tout.")
    verified(client, org_admin.user)
    page = client.get(_url("rights_request", erasure)).content.decode()
    assert closed_case.reference in page

    client.post(
        _url("rights_request_accept", erasure),
        {"answer": "Voici ce que nous avons fait.", "cases": [str(closed_case.pk)]},
    )
    erasure.refresh_from_db()
    assert erasure.status == RightsRequestStatus.DONE
    assert Case.objects.get(pk=closed_case.pk).form_data == {}
    assert Case.objects.get(pk=draft.pk).form_data == {}
    assert Case.objects.get(pk=kept_case.pk).form_data == {"subject": "Gardé"}
    assert RetentionRecord.objects.filter(case=closed_case).exists()
    assert f"Le dossier {kept_case.reference} est conservé jusqu'au" in erasure.answer
    assert AccessLogEntry.objects.filter(
        case_id=closed_case.pk,
        action=JournalAction.ANONYMISE,
        purpose=JournalPurpose.RIGHTS_REQUEST,
        actor_id=org_admin.user_id,
    ).exists()
    # A case is still kept: the person's record stays.
    assert Person.objects.get(pk=citizen_a.pk).family_name == "Durand"


def test_erasure_of_everything_anonymises_the_record_and_still_tells_the_person(
    citizen_a, closed_case, org_admin, mailoutbox, django_capture_on_commit_callbacks
):
    erasure = _request(citizen_a, kind=RightsRequestKind.ERASURE, details="Effacez tout.")
    address = citizen_a.email
    with django_capture_on_commit_callbacks(execute=True):
        handling.rights_request_accept(
            request=erasure, agent=org_admin, answer="C'est fait.", erase_case_ids=[closed_case.pk]
        )
    person = Person.objects.get(pk=citizen_a.pk)
    assert person.user_id is None
    assert person.email == ""
    assert mailoutbox[-1].to == [address]
    assert "Vos informations personnelles (identité, coordonnées) sont effacées." in (
        mailoutbox[-1].body
    )


def test_a_case_in_progress_is_kept_with_the_reason(citizen_a, closed_case, submitted, manager):
    erasure = _request(
        citizen_a,
        kind=RightsRequestKind.ERASURE,
        details="Effacez.",
        case_reference=closed_case.reference,
    )
    assert submitted.state != CaseState.DRAFT
    whole = RightsRequest.objects.create(
        organisation_id=citizen_a.organisation_id,
        person=citizen_a,
        kind=RightsRequestKind.ERASURE,
        details="Tout.",
        due_on=timezone.localdate(),
    )
    plan = handling.erasure_plan(whole)
    assert plan.in_progress == [submitted]
    done = handling.rights_request_accept(
        request=whole, agent=manager, answer="Réponse.", erase_case_ids=[closed_case.pk]
    )
    assert f"Le dossier {submitted.reference} est en cours d'instruction" in done.answer
    assert Person.objects.get(pk=citizen_a.pk).user_id == citizen_a.user_id
    with pytest.raises(RightsError, match="dossiers clos"):
        handling.rights_request_accept(
            request=erasure, agent=manager, answer="Réponse.", erase_case_ids=[submitted.pk]
        )


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("email", "alice.nouvelle@example.org", "Adresse électronique"),
        ("phone", "06 11 22 33 44", "Téléphone"),
        ("city", "Orléans", "Adresse"),
    ],
)
def test_a_corrected_email_phone_or_address_is_shown_verified_by_an_agent(
    client, correction, manager, citizen_a, field, value, label
):
    verified(client, manager.user)
    response = client.post(
        _url("rights_request_accept", correction),
        {"answer": "C'est corrigé.", "field": field, "value": value},
    )

    assert response.status_code == HTTPStatus.FOUND
    citizen_a.refresh_from_db()
    assert getattr(citizen_a, field) == value
    [record] = held_records(citizen_a.user)
    origins = {held.label: held.origin for held in record.values}
    assert origins[label] == str(VERIFIED)
    assert origins["Nom de naissance"] != str(VERIFIED)  # only what was corrected
