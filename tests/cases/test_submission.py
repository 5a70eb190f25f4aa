"""Drafts, submission and references: bad input is refused whole, nothing half-written stays."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from parcours.cases import services
from parcours.cases.enums import CaseChannel, CaseState
from parcours.cases.errors import CaseError, NotAllowed
from parcours.cases.models import Case, ReferenceCounter
from parcours.catalog.models import ProcedureVersion
from tests.factories import (
    CaseFactory,
    OrganisationFactory,
    PersonFactory,
    ProcedureFactory,
)

from .helpers import snapshot

FORM = {
    "fields": [
        {"name": "child_name", "label": "Prénom de l'enfant", "type": "text", "required": True},
        {"name": "birth_date", "label": "Date de naissance", "type": "date", "required": True},
        {"name": "email", "label": "Courriel", "type": "email"},
        {"name": "canteen", "label": "Cantine", "type": "boolean"},
        {
            "name": "canteen_days",
            "label": "Jours de cantine",
            "type": "multiple_choice",
            "required": True,
            "choices": [{"value": "mon", "label": "Lundi"}, {"value": "tue", "label": "Mardi"}],
            "show_if": {"field": "canteen", "equals": True},
        },
    ]
}


@pytest.fixture
def school_procedure(unit_1):
    return ProcedureFactory(handling_unit=unit_1, code="ECO", version=FORM)


# ---------------------------------------------------------------------------
# Drafts


@pytest.mark.sqlite
def test_a_citizen_starts_a_draft_that_keeps_the_current_form_version(procedure, citizen_a):
    case = services.case_create_draft(
        person=citizen_a, procedure=procedure, by=citizen_a.user, situation="Je déménage."
    )

    assert case.state == CaseState.DRAFT
    assert case.reference is None
    assert case.procedure_version == procedure.current_version
    assert case.unit == procedure.handling_unit
    assert case.organisation == procedure.organisation
    assert case.created_by == citizen_a.user


@pytest.mark.sqlite
def test_a_draft_takes_the_newest_published_version(procedure, citizen_a):
    ProcedureVersion.objects.create(procedure=procedure, number=2, form_definition=FORM)
    published = ProcedureVersion.objects.create(
        procedure=procedure,
        number=3,
        form_definition=FORM,
        published_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    ProcedureVersion.objects.create(procedure=procedure, number=4, form_definition=FORM)

    case = services.case_create_draft(person=citizen_a, procedure=procedure, by=citizen_a.user)

    assert case.procedure_version == published


@pytest.mark.sqlite
def test_a_draft_keeps_the_version_its_caller_read_only_if_it_is_the_procedures_published_one(
    procedure, citizen_a, unit_1
):
    current = procedure.current_version
    case = services.case_create_draft(
        person=citizen_a, procedure=procedure, by=citizen_a.user, version=current
    )
    assert case.procedure_version == current

    unpublished_draft = ProcedureVersion.objects.create(
        procedure=procedure, number=current.number + 1, form_definition=FORM
    )
    of_another_procedure = ProcedureFactory(handling_unit=unit_1).current_version
    for version in (unpublished_draft, of_another_procedure):
        with pytest.raises(CaseError) as error:
            services.case_create_draft(
                person=citizen_a, procedure=procedure, by=citizen_a.user, version=version
            )
        assert error.value.field == "version"
    assert Case.objects.count() == 1


@pytest.fixture
def unpublished(unit_1):
    return ProcedureFactory(handling_unit=unit_1, is_published=False)


@pytest.fixture
def without_version(unit_1):
    procedure = ProcedureFactory(handling_unit=unit_1)
    procedure.versions.update(published_at=None)
    return procedure


@pytest.fixture
def person_elsewhere():
    return PersonFactory(organisation=OrganisationFactory())


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("procedure_fixture", "person_fixture", "channel", "field", "message"),
    [
        (
            "unpublished",
            "citizen_a",
            CaseChannel.ONLINE,
            "procedure",
            "Cette démarche n'est pas ouverte aux demandes.",
        ),
        (
            "without_version",
            "citizen_a",
            CaseChannel.ONLINE,
            "procedure",
            "Cette démarche n'a pas encore de formulaire publié.",
        ),
        (
            "procedure",
            "person_elsewhere",
            CaseChannel.ONLINE,
            "person",
            "Cet usager relève d'une autre administration que cette démarche.",
        ),
        ("procedure", "citizen_a", "pigeon", "channel", "Canal de dépôt inconnu : pigeon."),
    ],
    ids=["unpublished", "no_published_version", "person_of_another_organisation", "channel"],
)
def test_a_draft_is_refused_with_the_field_at_fault(
    request, procedure_fixture, person_fixture, channel, field, message, agent_1
):
    person = request.getfixturevalue(person_fixture)

    with pytest.raises(CaseError) as error:
        services.case_create_draft(
            person=person,
            procedure=request.getfixturevalue(procedure_fixture),
            by=person.user,
            channel=channel,
        )

    assert error.value.field == field
    assert error.value.errors == {field: [message]}
    assert not Case.objects.exists()


@pytest.mark.sqlite
def test_citizen_b_cannot_start_a_draft_for_citizen_a(procedure, citizen_a, citizen_b):
    with pytest.raises(NotAllowed):
        services.case_create_draft(person=citizen_a, procedure=procedure, by=citizen_b.user)

    assert not Case.objects.exists()


@pytest.mark.sqlite
def test_an_agent_starts_a_draft_for_a_citizen_without_an_account(procedure, agent_2):
    person = PersonFactory(organisation=procedure.organisation, offline=True)

    case = services.case_create_draft(
        person=person, procedure=procedure, by=agent_2.user, channel=CaseChannel.PHONE
    )

    assert case.channel == CaseChannel.PHONE
    assert case.created_by == agent_2.user


@pytest.mark.sqlite
def test_updating_a_draft_keeps_earlier_answers(draft, citizen_a):
    case = services.case_update_draft(
        case=draft, by=citizen_a.user, form_data={"details": "Rentrée 2026"}, situation="Seule."
    )

    assert case.form_data == {"subject": "Ma demande", "details": "Rentrée 2026"}
    assert case.situation == "Seule."


@pytest.mark.sqlite
def test_a_draft_update_must_be_an_object(draft, citizen_a):
    with pytest.raises(CaseError) as error:
        services.case_update_draft(case=draft, by=citizen_a.user, form_data=["subject"])

    assert error.value.field == "form_data"


@pytest.mark.sqlite
def test_citizen_b_cannot_update_citizen_a_draft(draft, citizen_b):
    before = snapshot(draft)

    with pytest.raises(NotAllowed):
        services.case_update_draft(case=draft, by=citizen_b.user, form_data={"subject": "Pirate"})

    assert snapshot(draft) == before


@pytest.mark.sqlite
def test_a_submitted_case_can_no_longer_be_edited_as_a_draft(draft, citizen_a):
    case = services.case_submit(case=draft, by=citizen_a.user)
    before = snapshot(case)

    with pytest.raises(CaseError):
        services.case_update_draft(case=case, by=citizen_a.user, form_data={"subject": "Autre"})

    assert snapshot(case) == before


@pytest.mark.sqlite
def test_an_unsaved_case_is_refused(procedure, citizen_a):
    with pytest.raises(CaseError):
        services.case_submit(case=CaseFactory.build(procedure=procedure), by=citizen_a.user)


# ---------------------------------------------------------------------------
# Submission


@pytest.mark.sqlite
def test_submission_stores_the_answers_as_validated(school_procedure, citizen_a):
    draft = CaseFactory(
        procedure=school_procedure,
        person=citizen_a,
        form_data={
            "child_name": "  Léa ",
            "birth_date": "2019-09-01",
            "email": " Parent@Example.ORG ",
            "canteen": "on",
            "canteen_days": ["tue", "mon"],
        },
    )

    case = services.case_submit(case=draft, by=citizen_a.user)

    assert case.form_data == {
        "child_name": "Léa",
        "birth_date": "2019-09-01",
        "email": "parent@example.org",
        "canteen": True,
        "canteen_days": ["mon", "tue"],
    }


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("form_data", "errors"),
    [
        (
            {},
            {
                "child_name": ["« Prénom de l'enfant » est obligatoire."],
                "birth_date": ["« Date de naissance » est obligatoire."],
            },
        ),
        (
            {"child_name": "Léa", "birth_date": "01/09/2019", "canteen": True},
            {
                "birth_date": [
                    "« Date de naissance » : saisissez une date valide, par exemple 2026-03-14."
                ],
                "canteen_days": ["« Jours de cantine » est obligatoire."],
            },
        ),
        (
            {"child_name": "Léa", "birth_date": "2019-09-01", "shoe_size": 31},
            {"__all__": ["Champs inconnus dans ce formulaire : shoe_size."]},
        ),
    ],
    ids=["missing", "invalid_and_conditional", "unknown"],
)
def test_an_incomplete_form_lists_the_fields_to_correct_and_nothing_is_written(
    school_procedure, citizen_a, form_data, errors
):
    draft = CaseFactory(procedure=school_procedure, person=citizen_a, form_data=form_data)
    before = snapshot(draft)

    with pytest.raises(CaseError) as error:
        services.case_submit(case=draft, by=citizen_a.user)

    assert error.value.message == "Le formulaire n'est pas complet : corrigez les champs signalés."
    assert error.value.errors == errors
    assert snapshot(draft) == before
    assert not ReferenceCounter.objects.exists()


@pytest.mark.sqlite
def test_answers_that_are_not_an_object_are_refused_on_the_form_data_field(draft, citizen_a):
    Case.objects.filter(pk=draft.pk).update(form_data=["subject"])
    before = snapshot(draft)

    with pytest.raises(CaseError) as error:
        services.case_submit(case=draft, by=citizen_a.user)

    assert error.value.field == "form_data"
    assert snapshot(draft) == before


@pytest.mark.sqlite
def test_a_geolocated_report_needs_a_place_on_the_map(unit_1, citizen_a):
    report = ProcedureFactory(handling_unit=unit_1, is_geolocated=True)
    draft = CaseFactory(procedure=report, person=citizen_a)
    before = snapshot(draft)

    with pytest.raises(CaseError) as error:
        services.case_submit(case=draft, by=citizen_a.user)

    assert error.value.field == "location"
    assert snapshot(draft) == before
    Case.objects.filter(pk=draft.pk).update(latitude=47.9, longitude=1.9)
    assert services.case_submit(case=draft, by=citizen_a.user).state == CaseState.SUBMITTED


@pytest.mark.sqlite
def test_a_failure_after_numbering_rolls_everything_back(draft, citizen_a, monkeypatch):
    def broken_receipt(case, *, now):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "issue_receipt", broken_receipt)
    before = snapshot(draft)

    with pytest.raises(RuntimeError):
        services.case_submit(case=draft, by=citizen_a.user)

    assert snapshot(draft) == before
    assert not ReferenceCounter.objects.exists()
    monkeypatch.undo()
    assert services.case_submit(case=draft, by=citizen_a.user).reference.endswith("-SCO-000001")


# ---------------------------------------------------------------------------
# References


@pytest.fixture
def submit(citizen_a):
    def submit(procedure):
        return services.case_submit(
            case=CaseFactory(procedure=procedure, person=citizen_a), by=citizen_a.user
        ).reference

    return submit


@pytest.mark.sqlite
def test_references_follow_each_other_per_procedure_code(
    submit, procedure, rejecting_procedure, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 6, 1, 10, 0, tzinfo=datetime.UTC), tick=False)

    references = [
        submit(procedure),
        submit(procedure),
        submit(rejecting_procedure),
        submit(procedure),
    ]

    assert references == [
        "2026-SCO-000001",
        "2026-SCO-000002",
        "2026-AID-000001",
        "2026-SCO-000003",
    ]


@pytest.mark.sqlite
def test_references_start_again_each_year_in_french_time(submit, procedure, time_machine):
    # 22:59 UTC on 31 December is 23:59 in Paris; 23:01 UTC is already the new year there.
    time_machine.move_to(datetime.datetime(2025, 12, 31, 22, 59, tzinfo=datetime.UTC), tick=False)
    last_of_2025 = [submit(procedure), submit(procedure)]
    time_machine.move_to(datetime.datetime(2025, 12, 31, 23, 1, tzinfo=datetime.UTC), tick=False)

    first_of_2026 = submit(procedure)

    assert last_of_2025 == ["2025-SCO-000001", "2025-SCO-000002"]
    assert first_of_2026 == "2026-SCO-000001"


@pytest.mark.sqlite
def test_each_organisation_numbers_its_own_cases(organisation):
    elsewhere = OrganisationFactory()

    numbers = [
        services.next_reference(organisation_id=organisation.pk, prefix="SCO", year=2026),
        services.next_reference(organisation_id=elsewhere.pk, prefix="SCO", year=2026),
        services.next_reference(organisation_id=organisation.pk, prefix="SCO", year=2026),
    ]

    assert numbers == ["2026-SCO-000001", "2026-SCO-000001", "2026-SCO-000002"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("numbered_so_far", [None, 41], ids=["first_of_the_year", "later"])
def test_two_submissions_at_the_same_moment_get_distinct_references(
    procedure, citizen_a, citizen_b, monkeypatch, numbered_so_far
):
    # Only numbering is under test here: no receipt PDF, no email.
    monkeypatch.setattr(services, "_after_commit_render_receipt", lambda receipt: None)
    monkeypatch.setattr("parcours.notifications.services.notify_case_event", lambda event: None)
    if numbered_so_far is not None:
        ReferenceCounter.objects.create(
            organisation=procedure.organisation,
            year=timezone.localdate().year,
            prefix="SCO",
            last_value=numbered_so_far,
        )
    drafts = [
        CaseFactory(procedure=procedure, person=citizen_a),
        CaseFactory(procedure=procedure, person=citizen_b),
    ]
    start = threading.Barrier(len(drafts))
    references, errors = [], []

    def submit(draft):
        try:
            start.wait(timeout=10)
            references.append(services.case_submit(case=draft, by=draft.person.user).reference)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=[draft]) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    first = (numbered_so_far or 0) + 1
    assert errors == []
    assert sorted(reference[-6:] for reference in references) == [
        f"{first:06d}",
        f"{first + 1:06d}",
    ]
    assert ReferenceCounter.objects.get().last_value == first + 1


@pytest.mark.sqlite
def test_a_street_report_takes_its_place_from_the_location_answer(citizen_a, unit_1):
    form = {
        "fields": [
            {"name": "what", "label": "Quel problème ?", "type": "text", "required": True},
            {"name": "where", "label": "Où ?", "type": "location", "required": True},
        ]
    }
    procedure = ProcedureFactory(
        handling_unit=unit_1, is_geolocated=True, no_implicit_decision=True, version=form
    )
    draft = services.case_create_draft(
        person=citizen_a,
        procedure=procedure,
        by=citizen_a.user,
        form_data={"what": "Nid-de-poule", "where": {"lat": "47.9", "lng": "1.9"}},
    )

    case = services.case_submit(case=draft, by=citizen_a.user)

    assert (case.latitude, case.longitude) == (47.9, 1.9)
