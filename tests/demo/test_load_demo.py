"""``load_demo``: the promised volume, coverage, and cases that hold together like real ones.

The demo is loaded once for the module, inside a transaction rolled back at the end;
each test runs in a savepoint of it.
"""

import datetime
import re
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.test import RequestFactory
from django.utils import timezone

from parcours.accounts.models import User
from parcours.cases import clock, queue, services
from parcours.cases.enums import CaseChannel, CaseState, DecisionOutcome, EventKind
from parcours.cases.lifecycle import RULES, Actor
from parcours.cases.models import Case, CaseEvent, Decision, Receipt, ReferenceCounter
from parcours.cases.private_fields import private_specs
from parcours.catalog import form_definition
from parcours.catalog.enums import ImplicitDecision
from parcours.catalog.models import Commitment, Procedure
from parcours.demo import channels as channels_demo
from parcours.demo import open311 as open311_demo
from parcours.demo import story
from parcours.demo.answers import ANSWERS, AnswerContext
from parcours.demo.catalogue import procedure_file, procedure_specs
from parcours.demo.timeline import PARIS, DemoRandom
from parcours.organisations.enums import AgentRole
from parcours.organisations.models import Agent, OpeningHours, Organisation, Unit
from parcours.people.enums import AccessibilityNeed
from parcours.people.models import Person
from parcours.studio import exchange
from parcours.studio.content import version_content

pytestmark = pytest.mark.sqlite

DECIDED = {
    CaseState.ACCEPTED: DecisionOutcome.ACCEPTED,
    CaseState.REJECTED: DecisionOutcome.REJECTED,
    CaseState.CLOSED_WITHOUT_ACTION: DecisionOutcome.CLOSED_WITHOUT_ACTION,
    CaseState.IMPLICIT_ACCEPTANCE: DecisionOutcome.ACCEPTED,
    CaseState.IMPLICIT_REJECTION: DecisionOutcome.REJECTED,
}


def story_extras_excluded(cases):
    """The generated cases, without those the story adds (mandate, journey, filed at
    the counter by an agent in the channels' demo, reported through Open311)."""
    return cases.filter(
        mandate_link__isnull=True,
        journey_link__isnull=True,
        assisted__isnull=True,
        open311_request__isnull=True,
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        output = StringIO()
        call_command("load_demo", stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def cases(demo, db):
    # The Open311 demo reports are filed live by the services (tests/open311 checks them).
    return list(
        Case.objects.filter(open311_request__isnull=True)
        .select_related(
            "procedure", "procedure_version", "unit__organisation", "person", "referent", "receipt"
        )
        .prefetch_related("events", "decisions__signed_by__user", "referent__units")
        .order_by("pk")
    )


def test_the_demo_loads_the_promised_volume(demo, db):
    assert "Démonstration chargée" in demo
    assert Organisation.objects.count() == 3
    # The generated people, those the channels' demo records at the counter, and the
    # authors of the Open311 demo reports.
    assert Person.objects.count() == 300 + channels_demo.PEOPLE_ADDED + open311_demo.PEOPLE_ADDED
    # The promised volume, besides the story's cases filed under a mandate or a journey.
    assert story_extras_excluded(Case.objects).count() == 2000
    assert Procedure.objects.published().count() >= 8
    assert OpeningHours.objects.count() > 0
    assert Commitment.objects.filter(procedure__isnull=True).exists()
    assert Commitment.objects.filter(procedure__isnull=False).exists()
    assert set(Organisation.objects.values_list("kind", flat=True)) == {
        "commune",
        "departement",
        "social_security",
    }
    assert set(Organisation.objects.values_list("administrative_court", flat=True)) == {
        "Tribunal administratif d'Orléans"
    }


def test_the_cases_cover_every_state_channel_and_unit(demo, db):
    assert set(Case.objects.values_list("state", flat=True)) == set(CaseState.values)
    assert set(Case.objects.values_list("channel", flat=True)) == set(CaseChannel.values)
    assert set(Case.objects.values_list("unit", flat=True)) == set(
        Unit.objects.values_list("pk", flat=True)
    )


def test_the_cases_spread_over_fourteen_months(demo, db):
    oldest = Case.objects.order_by("created_at").first().created_at
    newest = Case.objects.order_by("-created_at").first().created_at

    assert timezone.now() - oldest > datetime.timedelta(days=400)
    assert newest <= timezone.now()


def test_the_population_is_diverse(demo, db):
    people = Person.objects.all()

    assert people.filter(email="").count() >= 10
    assert people.filter(preferred_channel__in=["post", "phone"]).count() >= 10
    assert people.filter(kind="representative").exclude(legal_entity_name="").exists()
    needs = Counter(need for p in people for need in p.accessibility_needs)
    assert needs
    assert set(needs) <= set(AccessibilityNeed.values)
    for person in people:
        person.clean()


def test_loading_again_if_empty_does_nothing(demo, db):
    output = StringIO()

    call_command("load_demo", "--if-empty", stdout=output)

    assert "déjà chargée" in output.getvalue()
    # The promised volume, besides the story's cases filed under a mandate or a journey.
    assert story_extras_excluded(Case.objects).count() == 2000


def test_loading_again_without_an_option_is_refused(demo, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--reset"):
        call_command("load_demo", stdout=StringIO())


def test_reset_replaces_the_demo(demo, db):
    call_command("load_demo", "--reset", stdout=StringIO())

    assert Organisation.objects.count() == 3
    # The promised volume, besides the story's cases filed under a mandate or a journey.
    assert story_extras_excluded(Case.objects).count() == 2000
    assert User.objects.filter(email=story.ADMIN_EMAIL).count() == 1


def test_every_procedure_version_validates(demo, db):
    for procedure in Procedure.objects.all():
        version = procedure.current_version
        assert version.number == 1
        assert version.published_at is not None
        version.full_clean()
        form_definition.validate_definition(version.form_definition)


def test_every_procedure_version_keeps_its_file_as_the_studio_imports_it(demo, db):
    """The demo procedures come from parcours/demo/procedures/*.json: each version holds
    the file's content, so the studio shows, exports and compares them like any other."""
    specs = {s.code: s for s in procedure_specs(story.organisation_specs(3))}
    procedures = Procedure.objects.select_related("handling_unit")
    assert {p.code for p in procedures} == set(specs)
    for procedure in procedures:
        spec = specs[procedure.code]
        version = procedure.current_version
        content = version_content(version)
        assert content == exchange.content_of(procedure_file(spec.file))
        assert version.form_definition == procedure_file(spec.file)["form"]
        assert procedure.handling_unit.slug == content["routing"]["default_unit"]
        assert procedure.title == content["public"]["title"]
        assert procedure.legal_basis == content["legal"]["legal_basis"]
        assert content["legal"]["appeal_routes"]


def test_some_open_cases_have_their_private_fields_filled_by_their_referent(demo, db):
    events = CaseEvent.objects.filter(
        kind=EventKind.NOTE, data__has_key="private_fields"
    ).select_related("case__referent")
    assert events.exists()
    assert {e.case.procedure.code for e in events} == {"SCO", "STA", "LOG"}
    for event in events:
        assert not event.visible_to_citizen
        assert event.actor_id == event.case.referent.user_id
        assert set(event.data["private_fields"]) == {
            spec["name"] for spec in private_specs(event.case)
        }


@pytest.mark.parametrize(
    ("email", "role"),
    [(story.ADMIN_EMAIL, "superuser")]
    + [(a.email, a.role) for a in story.AGENT_LOGINS]
    + [(c.email, "citizen") for c in story.CITIZEN_LOGINS],
)
def test_demo_logins_authenticate(demo, db, email, role):
    # Sign-in attempts are counted per request (django-axes): give it one.
    user = authenticate(RequestFactory().post("/"), username=email, password=story.DEMO_PASSWORD)

    assert user is not None
    assert user.email == email
    if role == "superuser":
        assert user.is_superuser
        assert user.is_staff
    elif role == "citizen":
        assert Person.objects.filter(user=user).exists()
    else:
        agent = Agent.objects.get(user=user)
        assert agent.role == role
        assert agent.title


def test_agents_belong_to_the_units_the_story_gives_them(demo, db):
    claire = Agent.objects.get(user__email="claire.martin@bellerive.test")
    karim = Agent.objects.get(user__email="karim.benali@bellerive.test")
    nadia = Agent.objects.get(user__email="nadia.roux@bellerive.test")
    ville = Organisation.objects.get(name="Ville de Bellerive-sur-Loire")

    assert list(claire.units.values_list("slug", flat=True)) == ["education"]
    assert set(karim.units.values_list("slug", flat=True)) == {"citoyennete", "stationnement"}
    assert nadia.units.count() == ville.units.count()


def test_alice_and_bruno_have_cases_in_the_promised_states(demo, db):
    alice = Counter(
        Case.objects.filter(person__user__email=story.ALICE.email).values_list("state", flat=True)
    )
    bruno = Counter(
        Case.objects.filter(person__user__email=story.BRUNO.email).values_list("state", flat=True)
    )

    # Two of Alice's submitted requests are the steps of her « Je déménage » journey.
    assert alice == {
        CaseState.DRAFT: 1,
        CaseState.SUBMITTED: 3,
        CaseState.AWAITING_CITIZEN: 1,
        CaseState.ACCEPTED: 1,
        CaseState.IMPLICIT_ACCEPTANCE: 1,
    }
    assert {CaseState.IN_REVIEW, CaseState.REJECTED, CaseState.WITHDRAWN} <= set(bruno)
    assert Person.objects.filter(user__email=story.ALICE.email).count() == 2


def test_every_case_holds_together(cases):
    agents = dict(Agent.objects.values_list("user_id", "organisation_id"))
    problems = []
    for case in cases:
        try:
            check_case(case, agents)
        except AssertionError as error:
            problems.append(f"{case.reference or case.pk}: {error}")
    assert not problems, "\n".join(problems[:20])


def test_receipts_freeze_what_issue_receipt_would(demo, db):
    for receipt in Receipt.objects.select_related(
        "case__unit__organisation", "case__procedure", "case__person"
    ):
        case = receipt.case
        unit, organisation = case.unit, case.unit.organisation
        assert receipt.organisation_id == case.organisation_id
        assert receipt.issued_at == case.submitted_at
        assert receipt.received_on == case.received_on
        assert receipt.implicit_decision == case.procedure.implicit_decision
        assert receipt.procedure_title == case.procedure.title
        assert receipt.person_name == case.person.full_name
        assert receipt.service_name == f"{unit.name} — {organisation.name}"
        assert receipt.service_address == unit.postal_address
        assert (receipt.service_email, receipt.service_phone) == (unit.email, unit.phone)
        assert receipt.appeal_court == organisation.administrative_court
        assert receipt.appeal_court_address == organisation.administrative_court_address
        assert receipt.legal_basis == case.procedure.legal_basis
        assert not receipt.pdf


def test_reference_counters_continue_the_sequences(demo, db):
    used = Counter()
    for organisation_id, reference in Case.objects.exclude(reference=None).values_list(
        "organisation_id", "reference"
    ):
        year, prefix, number = reference.split("-")
        key = (organisation_id, int(year), prefix)
        used[key] = max(used[key], int(number))
    counters = {
        (c.organisation_id, c.year, c.prefix): c.last_value for c in ReferenceCounter.objects.all()
    }

    assert counters == dict(used)


def test_a_new_submission_takes_the_next_reference(demo, db):
    alice = User.objects.get(email=story.ALICE.email)
    draft = Case.objects.get(person__user=alice, state=CaseState.DRAFT)
    today = timezone.localdate()
    counter = ReferenceCounter.objects.filter(
        organisation_id=draft.organisation_id, year=today.year, prefix=draft.procedure.code
    ).first()
    draft.form_data = ANSWERS[draft.procedure.code](
        DemoRandom(1),
        AnswerContext("Alice", "Durand", "", "Tours", today, birth_date=datetime.date(1986, 4, 12)),
    )
    draft.save()

    case = services.case_submit(case=draft, by=alice)

    expected = (counter.last_value if counter else 0) + 1
    assert case.reference == f"{today.year}-{draft.procedure.code}-{expected:06d}"


def test_some_open_cases_wait_for_their_implicit_decision(demo, db):
    today = timezone.localdate()
    due = Case.objects.filter(
        state__in=[CaseState.SUBMITTED, CaseState.IN_REVIEW],
        implicit_decision__in=[ImplicitDecision.ACCEPTANCE, ImplicitDecision.REJECTION],
        decision_due_on__lt=today,
    ).count()

    assert 0 < due < 0.05 * Case.objects.count()
    assert services.apply_due_implicit_decisions(today=today) == due


def test_print_demo_logins_shows_the_address_and_every_account(demo, db):
    output = StringIO()

    call_command("print_demo_logins", "--port", "8123", stdout=output)

    text = output.getvalue()
    assert "http://127.0.0.1:8123/" in text
    assert "http://127.0.0.1:8123/admin/" in text
    assert story.DEMO_PASSWORD in text
    for email in [story.ADMIN_EMAIL, *(a.email for a in story.AGENT_LOGINS)]:
        assert email in text
    assert "ne sont pas chargés" not in text


# ---------------------------------------------------------------------------


def local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(PARIS).date()


def check_case(case: Case, agents: dict[int, int]) -> None:
    """``agents`` maps the user id of every agent to their organisation."""
    procedure, unit = case.procedure, case.unit
    definition = case.procedure_version.form_definition
    assert case.organisation_id == procedure.organisation_id == unit.organisation_id
    assert case.unit_id == procedure.handling_unit_id
    assert case.procedure_version.procedure_id == procedure.pk
    if procedure.is_geolocated and case.state != CaseState.DRAFT:
        assert 47.8 < case.latitude < 47.9
        assert 2.0 < case.longitude < 2.1
        assert case.form_data["location"] == {"lat": case.latitude, "lng": case.longitude}
    if case.state == CaseState.DRAFT:
        assert case.reference is None
        assert case.submitted_at is None
        assert not case.events.all()
        assert not case.decisions.all()
        assert not hasattr(case, "receipt")
        assert case.created_by_id == case.person.user_id or (
            agents.get(case.created_by_id) == case.organisation_id
        )
        return

    assert form_definition.clean_answers(definition, case.form_data) == case.form_data
    assert re.fullmatch(r"\d{4}-[A-Z]{3}-\d{6}", case.reference)
    assert case.reference.startswith(f"{case.received_on.year}-{procedure.code}-")
    assert case.received_on == local_date(case.submitted_at)
    assert case.created_at <= case.submitted_at

    # The life cycle is told by the transitions; receipts, notes and documents added
    # (by an agent registering a letter, say) sit between them.
    events = list(case.events.filter(kind=EventKind.TRANSITION))
    assert events, "no event"
    assert events[0].transition == "submit"
    assert events[0].from_state == CaseState.DRAFT
    # Requests filed through the services (at the counter, under a mandate, in a journey)
    # write their event a moment after the submission time.
    assert abs(events[0].created_at - case.submitted_at) < datetime.timedelta(seconds=5)
    state = CaseState.DRAFT
    for previous, event in zip([None, *events], events, strict=False):
        rule = RULES[event.transition]
        assert event.kind == EventKind.TRANSITION
        assert event.from_state == state, f"{event.transition} leaves {event.from_state}"
        assert event.from_state in rule.sources
        assert event.to_state == rule.target
        assert not rule.reason_required or event.reason.strip()
        assert previous is None or previous.created_at <= event.created_at
        check_actor(case, event, rule.actor, agents)
        state = event.to_state
    assert state == case.state
    assert abs(case.updated_at - events[-1].created_at) < datetime.timedelta(seconds=5)

    initial_due = (
        None
        if procedure.implicit_decision == ImplicitDecision.NONE
        else clock.decision_due_on(
            case.received_on, delay=procedure.decision_delay, unit=procedure.decision_delay_unit
        )
    )
    assert case.receipt.decision_due_on == initial_due
    if case.is_appeal:
        reopened = [e for e in events if e.transition == "reopen"][-1]
        assert case.decision_due_on.isoformat() == reopened.data["decision_due_on"]
        assert case.implicit_decision == ImplicitDecision.REJECTION
    else:
        assert case.implicit_decision == procedure.implicit_decision
        if initial_due is None:
            assert case.decision_due_on is None
        else:
            expected = initial_due + datetime.timedelta(days=case.suspended_days)
            assert case.decision_due_on == expected

    if case.state == CaseState.AWAITING_CITIZEN:
        request = events[-1]
        assert case.citizen_due_on.isoformat() == request.data["due_on"]
        suspends = not procedure.grants_a_right and case.decision_due_on is not None
        assert request.data["clock_suspended"] == suspends
        assert case.clock_suspended_on == (local_date(request.created_at) if suspends else None)
    else:
        assert case.clock_suspended_on is None
        assert case.citizen_due_on is None

    agent_steps = [e for e in events if RULES[e.transition].actor == Actor.AGENT]
    if agent_steps:
        assert case.referent is not None
        assert unit in case.referent.units.all()
        assert case.referent.role != AgentRole.HELPER, "a helper may not review or decide"
    else:
        assert case.state == CaseState.SUBMITTED
        assert case.referent is None

    decisions = list(case.decisions.all())
    if case.state in DECIDED:
        decision = decisions[0]  # the latest
        decided = events[-1]
        assert decision.outcome == DECIDED[case.state]
        assert case.decided_at == decided.created_at
        if case.state.startswith("implicit"):
            assert decision.is_implicit
            assert decision.signed_by_id is None
            assert decision.decided_on == case.decision_due_on
            assert decided.actor_id is None
            assert decided.data == {"born_on": case.decision_due_on.isoformat()}
        else:
            assert not decision.is_implicit
            assert decision.signed_by.user_id == decided.actor_id
            assert decision.signer_name == decision.signed_by.display_name
            assert decision.decided_on == local_date(decided.created_at)
            assert decision.reasons == decided.reason
        assert decision.appeal_deadline == clock.appeal_deadline(decision.decided_on)
    elif case.is_appeal:
        assert [d.outcome for d in decisions] == [DecisionOutcome.REJECTED]
        assert case.decided_at is None
    else:
        assert not decisions
        assert case.decided_at is None


def check_actor(case: Case, event: CaseEvent, actor: Actor, agents: dict[int, int]) -> None:
    if actor == Actor.SYSTEM:
        assert event.actor_id is None
    elif actor == Actor.AGENT:
        assert event.actor_id == case.referent.user_id
    else:
        assert event.actor_id == case.person.user_id or (
            agents.get(event.actor_id) == case.organisation_id
        ), f"{event.transition} by someone who may not act for the citizen"


def test_decisions_and_events_belong_to_their_organisation(demo, db):
    case_organisation = Subquery(
        Case.objects.filter(pk=OuterRef("case_id")).values("organisation_id")[:1]
    )

    assert not Decision.objects.exclude(organisation_id=case_organisation).exists()
    assert not CaseEvent.objects.exclude(organisation_id=case_organisation).exists()
    assert not Receipt.objects.exclude(organisation_id=case_organisation).exists()


def test_agents_can_carry_demo_cases_on_with_the_services(demo, db):
    claire = User.objects.get(email="claire.martin@bellerive.test")
    case = (
        Case.objects.visible_to(claire)
        .filter(state=CaseState.SUBMITTED, unit__agents__user=claire)
        .filter(Q(referent__isnull=True) | Q(referent__user=claire))
        .first()
    )
    today = timezone.localdate()
    if case.referent_id is None:  # only the agent who holds a case acts on it
        queue.case_take(case=case, by=claire, reason="Dossier de démonstration.")

    case = services.case_start_review(case=case, by=claire)
    case = services.case_request_information(
        case=case,
        by=claire,
        reason="Il manque le justificatif de domicile.",
        due_on=today + datetime.timedelta(days=15),
    )
    case = services.case_resume_review(case=case, by=claire)
    case = services.case_accept(case=case, by=claire)

    assert case.state == CaseState.ACCEPTED
    assert case.decisions.get().signed_by.user == claire


def test_the_demo_has_appointments_that_follow_the_booking_rules(demo, db):
    from parcours.appointments.enums import SEAT_HOLDING_STATUSES, AppointmentStatus
    from parcours.appointments.models import Appointment, AppointmentType

    types = {t.pk: t for t in AppointmentType.objects.all()}
    appointments = list(Appointment.objects.all())
    now = timezone.now()

    assert len(types) >= 5
    assert {t.mode for t in types.values()} == {"counter", "phone", "video"}
    assert any(t.procedure_id is None for t in types.values())
    assert any(a.starts_at < now for a in appointments)
    assert any(a.starts_at > now for a in appointments)
    held = Counter(
        (a.appointment_type_id, a.starts_at)
        for a in appointments
        if a.status in SEAT_HOLDING_STATUSES
    )
    assert all(count <= types[type_id].capacity for (type_id, _), count in held.items())
    upcoming = Counter(
        (a.person_id, a.procedure_id or a.appointment_type_id)
        for a in appointments
        if a.status == AppointmentStatus.BOOKED and a.starts_at > now
    )
    assert max(upcoming.values()) == 1
    # A slot that began while the demo was loading was still to come when it was written.
    loaded_at = now - datetime.timedelta(minutes=10)
    assert not any(
        a.status == AppointmentStatus.BOOKED and a.starts_at < loaded_at for a in appointments
    )
    for citizen in story.CITIZEN_LOGINS:
        assert Appointment.objects.upcoming().filter(person__user__email=citizen.email).exists()


def test_the_demo_helper_holds_a_mandate_with_a_case_filed_under_it(demo, db):
    from parcours.mandates.models import Mandate

    mandate = Mandate.objects.active().get(helper__user__email="lea.girard@bellerive.test")
    assert mandate.user.email == story.BRUNO.email
    case = Case.objects.get(mandate_link__mandate=mandate)
    assert case.state == CaseState.SUBMITTED
    assert case.events.get(transition="submit").data["on_behalf"]["person"] == "Bruno Petit"
    assert mandate.acts.count() == 3


def test_the_demo_has_a_moving_journey_across_two_administrations(demo, db):
    from parcours.journeys.models import Journey

    journey = Journey.objects.get(life_event__slug="je-demenage")
    assert journey.user.email == story.ALICE.email
    assert journey.referent.user.email == "karim.benali@bellerive.test"
    cases = Case.objects.filter(journey_link__journey=journey)
    assert cases.count() == 2
    assert cases.values("organisation").distinct().count() == 2
