"""The services behind the agent's actions on a case: who may act (the holder, or a
manager; nobody holding it, acting takes it by the queue's rule), and each action's
guards: wrong state, missing reason, a due date in the past."""

import datetime

import pytest
from django.utils import timezone

from parcours.cases import casework, queue, services
from parcours.cases.enums import CaseState, EventKind, HoldingChange, OpinionStatus
from parcours.cases.errors import CaseError, IllegalTransition, NotAllowed
from parcours.cases.models import Case, CaseEvent, Receipt
from parcours.contacts import services as contacts
from parcours.contacts.enums import MessageDirection
from parcours.contacts.models import MessageTemplate
from parcours.organisations.enums import AgentRole
from tests.factories import (
    AgentFactory,
    OrganisationFactory,
    UnitFactory,
    rewrite_published_version,
)

from .conftest import submit

pytestmark = pytest.mark.sqlite


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def colleague(unit_1):
    return AgentFactory(
        unit=unit_1, user__first_name="Paul", user__last_name="Vidal", title="Instructeur"
    )


@pytest.fixture
def held(submitted, agent_1):
    """A case of unit 1 that agent 1 holds."""
    return queue.case_take(case=submitted, by=agent_1.user)


def reload(case) -> Case:
    return Case.objects.select_related("referent", "unit").get(pk=case.pk)


# ---------------------------------------------------------------------------
# Holding: who may act


def test_acting_first_on_the_next_case_takes_it_the_fair_way(submitted, agent_1):
    services.case_start_review(case=submitted, by=agent_1.user)

    case = reload(submitted)
    assert case.referent == agent_1
    taken = CaseEvent.objects.get(case=case, kind=EventKind.REFERENT_CHANGED)
    assert taken.data["via"] == HoldingChange.NEXT


def test_acting_on_a_case_that_is_not_next_asks_to_take_it_first_with_a_reason(
    procedure, citizen_a, citizen_b, agent_1
):
    submit(procedure, citizen_a, on=days_ago(30))  # older: the next one
    later = submit(procedure, citizen_b, on=days_ago(2))

    with pytest.raises(CaseError, match="prenez-le d'abord"):
        services.case_start_review(case=later, by=agent_1.user)

    case = reload(later)
    assert case.state == CaseState.SUBMITTED
    assert case.referent is None
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.REFERENT_CHANGED).exists()


def test_a_colleague_may_not_act_on_a_case_someone_else_holds(held, colleague):
    with pytest.raises(NotAllowed, match="Claire Martin suit ce dossier"):
        services.case_start_review(case=held, by=colleague.user)

    assert reload(held).state == CaseState.SUBMITTED


def test_a_manager_of_the_unit_may_act_on_a_held_case_without_taking_it(held, manager, agent_1):
    services.case_start_review(case=held, by=manager.user)

    case = reload(held)
    assert case.state == CaseState.IN_REVIEW
    assert case.referent == agent_1


@pytest.mark.parametrize("who", ["agent_2", "helper", "citizen_a"])
def test_nobody_outside_the_unit_reviews_a_case(submitted, who, request):
    person = request.getfixturevalue(who)

    with pytest.raises(NotAllowed):
        services.case_start_review(case=submitted, by=person.user)


# ---------------------------------------------------------------------------
# Request missing information


def test_asking_for_documents_suspends_the_clock_and_lists_them(held, agent_1):
    held.procedure_version.required_documents = [
        {"code": "domicile", "label": "Justificatif de domicile"},
        {"code": "identite", "label": "Pièce d'identité"},
    ]
    rewrite_published_version(held.procedure_version)
    due = timezone.localdate() + datetime.timedelta(days=20)

    casework.case_ask_for_information(
        case=held,
        by=agent_1.user,
        missing="Datée de moins de trois mois.",
        document_codes=["domicile"],
        due_on=due,
    )

    case = reload(held)
    assert case.state == CaseState.AWAITING_CITIZEN
    assert case.clock_suspended_on == timezone.localdate()
    assert case.citizen_due_on >= due
    event = case.events.get(transition="request_information")
    assert event.reason == "- Justificatif de domicile\n\nDatée de moins de trois mois."


@pytest.mark.parametrize(
    "due_on", [timezone.localdate(), timezone.localdate() - datetime.timedelta(days=1)]
)
def test_the_due_date_must_be_tomorrow_at_the_earliest(held, agent_1, due_on):
    with pytest.raises(CaseError) as raised:
        casework.case_ask_for_information(
            case=held, by=agent_1.user, missing="Votre RIB.", due_on=due_on
        )

    assert raised.value.field == "due_on"
    assert reload(held).state == CaseState.SUBMITTED


def test_asking_for_nothing_or_an_unknown_document_is_refused(held, agent_1):
    due = timezone.localdate() + datetime.timedelta(days=10)
    with pytest.raises(CaseError) as nothing:
        casework.case_ask_for_information(case=held, by=agent_1.user, missing=" ", due_on=due)
    with pytest.raises(CaseError) as unknown:
        casework.case_ask_for_information(
            case=held, by=agent_1.user, missing="", document_codes=["inconnue"], due_on=due
        )

    assert (nothing.value.field, unknown.value.field) == ("missing", "documents")


def test_information_cannot_be_asked_on_a_decided_case(held, agent_1):
    services.case_accept(case=held, by=agent_1.user)

    with pytest.raises(IllegalTransition):
        casework.case_ask_for_information(
            case=held,
            by=agent_1.user,
            missing="Votre RIB.",
            due_on=timezone.localdate() + datetime.timedelta(days=5),
        )


def test_the_citizen_answering_resumes_the_clock(held, agent_1, citizen_a):
    casework.case_ask_for_information(
        case=held,
        by=agent_1.user,
        missing="Votre RIB.",
        due_on=timezone.localdate() + datetime.timedelta(days=5),
    )

    services.case_resume_review(case=held, by=citizen_a.user, reason="Le voici.")

    case = reload(held)
    assert case.state == CaseState.IN_REVIEW
    assert case.clock_suspended_on is None


# ---------------------------------------------------------------------------
# Decide


def test_a_rejection_without_reasons_is_refused(held, agent_1):
    with pytest.raises(CaseError, match="motif"):
        services.case_reject(case=held, by=agent_1.user, reasons="  ")

    assert reload(held).state == CaseState.SUBMITTED


def test_the_decision_names_the_agent_who_decided(held, agent_1):
    services.case_reject(case=held, by=agent_1.user, reasons="Hors secteur scolaire.")

    decision = reload(held).decisions.get()
    assert decision.signed_by == agent_1
    assert decision.signer_name == "Claire Martin"


# ---------------------------------------------------------------------------
# Hand over


def test_handing_over_tells_the_citizen_the_new_name_and_keeps_the_history(
    held, agent_1, colleague, mailoutbox, django_capture_on_commit_callbacks
):
    receipt = Receipt.objects.values().get(case=held)
    before = set(CaseEvent.objects.filter(case=held).values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        casework.case_hand_over(
            case=held, by=agent_1.user, to=colleague, reason="Je pars en congés."
        )

    case = reload(held)
    assert case.referent == colleague
    assert before < set(CaseEvent.objects.filter(case=case).values_list("pk", flat=True))
    event = case.events.filter(kind=EventKind.REFERENT_CHANGED).last()
    assert event.data["via"] == HoldingChange.HANDOVER
    assert not event.visible_to_citizen  # the reason is for colleagues
    assert Receipt.objects.values().get(case=held) == receipt
    (email,) = mailoutbox
    assert email.to == [case.person.email]
    assert "Paul Vidal" in email.body
    assert "Je pars en congés" not in email.body


def test_only_the_holder_or_a_manager_hands_over(held, colleague, manager):
    with pytest.raises(NotAllowed):
        casework.case_hand_over(case=held, by=colleague.user, to=colleague)

    casework.case_hand_over(case=held, by=manager.user, to=colleague)

    assert reload(held).referent == colleague


def test_a_case_is_handed_over_only_to_an_agent_of_its_unit(held, agent_1, agent_2, helper):
    for other in (agent_2, helper, agent_1):
        with pytest.raises(CaseError) as raised:
            casework.case_hand_over(case=held, by=agent_1.user, to=other)
        assert raised.value.field == "to"


def test_a_closed_case_is_not_handed_over(held, agent_1, colleague):
    services.case_accept(case=held, by=agent_1.user)

    with pytest.raises(CaseError, match="clos"):
        casework.case_hand_over(case=held, by=agent_1.user, to=colleague)


# ---------------------------------------------------------------------------
# Reroute and close


def test_rerouting_puts_the_case_in_the_other_unit_s_queue_with_nobody_holding_it(
    held, agent_1, unit_2, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        casework.case_reroute(
            case=held, by=agent_1.user, unit=unit_2, reason="La voirie traite ces demandes."
        )

    case = reload(held)
    assert (case.unit, case.referent) == (unit_2, None)
    assert queue.next_in_queue(unit_2) == case
    event = case.events.get(kind=EventKind.REROUTED)
    assert event.visible_to_citizen
    assert event.data["to_unit"] == unit_2.name
    (email,) = mailoutbox
    assert "La voirie traite ces demandes." in email.body
    assert unit_2.name in email.subject + email.body


def test_rerouting_needs_a_reason_and_another_unit_of_the_same_administration(
    held, agent_1, unit_1
):
    elsewhere = UnitFactory(organisation=OrganisationFactory(slug="ailleurs"))
    with pytest.raises(CaseError) as no_reason:
        casework.case_reroute(case=held, by=agent_1.user, unit=elsewhere, reason="")
    with pytest.raises(CaseError) as same_unit:
        casework.case_reroute(case=held, by=agent_1.user, unit=unit_1, reason="Erreur.")

    assert same_unit.value.field == "unit"
    assert no_reason.value.field in {"unit", "reason"}
    assert reload(held).unit == unit_1


def test_a_colleague_who_does_not_hold_the_case_does_not_reroute_it(held, colleague, unit_2):
    with pytest.raises(NotAllowed):
        casework.case_reroute(case=held, by=colleague.user, unit=unit_2, reason="Pas chez nous.")


def test_closing_without_action_needs_a_reason(held, agent_1):
    with pytest.raises(CaseError) as raised:
        services.case_close_without_action(case=held, by=agent_1.user, reason="")

    assert raised.value.field == "reason"
    services.case_close_without_action(case=held, by=agent_1.user, reason="Demande en double.")
    assert reload(held).state == CaseState.CLOSED_WITHOUT_ACTION


# ---------------------------------------------------------------------------
# Notes and messages


def test_a_note_stays_between_agents(
    held, colleague, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note = casework.case_add_note(case=held, by=colleague.user, text="Appeler la directrice.")

    assert note.kind == EventKind.NOTE
    assert not note.visible_to_citizen
    assert mailoutbox == []


@pytest.mark.parametrize("who", ["agent_2", "helper", "citizen_a"])
def test_only_agents_of_the_unit_write_notes(held, who, request):
    person = request.getfixturevalue(who)

    with pytest.raises(NotAllowed):
        casework.case_add_note(case=held, by=person.user, text="Une note.")


def test_a_template_is_filled_in_from_the_case(held, agent_1, organisation):
    template = MessageTemplate.objects.create(
        organisation=organisation,
        title="Pièce manquante",
        body="Bonjour {prenom}, votre dossier {reference} ({service}) : {inconnu}. {agent}",
    )

    text = contacts.template_fill(template, case=held, agent=agent_1)

    assert text == (
        f"Bonjour Alice, votre dossier {held.reference} (Service Éducation) : {{inconnu}}. "
        "Claire Martin"
    )


def test_a_message_joins_the_thread_and_is_emailed_to_the_citizen(
    held, agent_1, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = contacts.message_send_to_citizen(
            case=held, by=agent_1.user, body="Votre dossier est complet."
        )

    assert message.direction == MessageDirection.TO_CITIZEN
    assert list(held.messages.all()) == [message]
    (email,) = mailoutbox
    assert email.to == ["alice@example.org"]
    assert "Votre dossier est complet." in email.body


def test_a_colleague_does_not_write_on_a_case_they_do_not_hold(held, colleague):
    with pytest.raises(NotAllowed):
        contacts.message_send_to_citizen(case=held, by=colleague.user, body="Bonjour.")


# ---------------------------------------------------------------------------
# Opinions from another unit


def test_an_opinion_request_opens_the_case_to_the_other_unit_until_it_answers(
    held, agent_1, agent_2, unit_2
):
    third = AgentFactory(unit=UnitFactory(organisation=unit_2.organisation, slug="etat-civil"))
    opinion = casework.opinion_request_create(
        case=held, by=agent_1.user, to_unit=unit_2, question="Ce trottoir est-il le vôtre ?"
    )

    assert list(casework.opinion_requests_for(agent_2)) == [opinion]
    assert list(casework.opinion_requests_for(third)) == []
    assert casework.opinion_record_read(request=opinion, by=agent_2.user)
    assert not casework.opinion_record_read(request=opinion, by=agent_2.user)  # once a day
    with pytest.raises(NotAllowed):
        casework.opinion_answer(request=opinion, by=third.user, answer="Non.")

    casework.opinion_answer(request=opinion, by=agent_2.user, answer="Oui, il est à nous.")

    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.ANSWERED
    answered = held.events.get(kind=EventKind.OPINION_ANSWERED)
    assert (answered.reason, answered.visible_to_citizen) == ("Oui, il est à nous.", False)
    with pytest.raises(CaseError, match="déjà rendu"):
        casework.opinion_answer(request=opinion, by=agent_2.user, answer="Encore.")


def test_an_opinion_is_asked_of_another_unit_once_at_a_time(held, agent_1, unit_1, unit_2):
    casework.opinion_request_create(case=held, by=agent_1.user, to_unit=unit_2, question="?")

    with pytest.raises(CaseError):
        casework.opinion_request_create(case=held, by=agent_1.user, to_unit=unit_2, question="?")
    with pytest.raises(CaseError):
        casework.opinion_request_create(case=held, by=agent_1.user, to_unit=unit_1, question="?")
    with pytest.raises(CaseError):
        casework.opinion_request_create(case=held, by=agent_1.user, to_unit=unit_2, question="")


def test_a_unit_manager_of_another_administration_keeps_no_template(organisation):
    other = AgentFactory(
        unit=UnitFactory(organisation=OrganisationFactory(slug="autre")),
        role=AgentRole.UNIT_MANAGER,
    )
    from parcours.contacts.errors import ContactError

    with pytest.raises(ContactError):
        contacts.message_template_save(
            organisation=organisation, by=other.user, title="Titre", body="Texte"
        )
