"""The right to make a mistake (CRPA L123-1): the person corrects their answers after
sending them; the correction is recorded with the answers it replaces, never silently."""

import datetime

import pytest
from django.db import transaction

from parcours.cases import services
from parcours.cases.enums import CaseState, EventKind
from parcours.cases.errors import CaseError, NotAllowed
from parcours.cases.models import CaseCorrection, CaseEvent, Receipt
from parcours.catalog.enums import ImplicitDecision
from tests.factories import ProcedureFactory

from .helpers import snapshot, walk_to

pytestmark = pytest.mark.sqlite

CANTEEN_FORM = {
    "fields": [
        {"name": "child_name", "label": "Prénom de l'enfant", "type": "text", "required": True},
        {"name": "birth_date", "label": "Date de naissance", "type": "date", "required": True},
        {
            "name": "school",
            "label": "École souhaitée",
            "type": "choice",
            "required": True,
            "choices": [
                {"value": "jaures", "label": "École Jean-Jaurès"},
                {"value": "curie", "label": "École Marie-Curie"},
            ],
        },
        {"name": "canteen", "label": "Cantine", "type": "boolean"},
        {
            "name": "canteen_days",
            "label": "Jours de cantine",
            "type": "multiple_choice",
            "required": True,
            "show_if": {"field": "canteen", "equals": True},
            "choices": [
                {"value": "monday", "label": "Lundi"},
                {"value": "tuesday", "label": "Mardi"},
                {"value": "thursday", "label": "Jeudi"},
            ],
        },
    ]
}
ANSWERS = {
    "child_name": "Léa",
    "birth_date": "2020-05-04",
    "school": "jaures",
    "canteen": True,
    "canteen_days": ["monday", "thursday"],
}
EXPLANATION = "J'avais inversé le jour et le mois de la date de naissance."


@pytest.fixture(autouse=True)
def on_monday_2_march(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    # Receipts and decision letters are rendered after the commit; they have their own tests.
    monkeypatch.setattr(services, "_after_commit_render_receipt", lambda receipt: None)
    if hasattr(services, "_after_commit_render_decision_letter"):
        monkeypatch.setattr(services, "_after_commit_render_decision_letter", lambda d: None)


@pytest.fixture
def canteen_procedure(unit_1):
    return ProcedureFactory(
        handling_unit=unit_1, code="CAN", title="Inscription à la cantine", version=CANTEEN_FORM
    )


@pytest.fixture
def canteen_draft(canteen_procedure, citizen_a):
    return services.case_create_draft(
        person=citizen_a, procedure=canteen_procedure, by=citizen_a.user, form_data=ANSWERS
    )


@pytest.fixture
def sent(canteen_draft, citizen_a):
    return services.case_submit(case=canteen_draft, by=citizen_a.user)


@pytest.fixture
def in_review(sent, agent_1):
    return services.case_start_review(case=sent, by=agent_1.user)


def correct(case, by, **answers):
    return services.case_correct(
        case=case, by=by, form_data={**case.form_data, **answers}, explanation=EXPLANATION
    )


def test_a_correction_records_each_change_with_the_answer_before_and_after(sent, citizen_a):
    correction = correct(sent, citizen_a.user, birth_date="2020-04-05", school="curie")

    assert correction.changes == [
        {
            "field": "birth_date",
            "label": "Date de naissance",
            "before": "2020-05-04",
            "after": "2020-04-05",
        },
        {"field": "school", "label": "École souhaitée", "before": "jaures", "after": "curie"},
    ]
    assert correction.by == citizen_a.user
    assert correction.explanation == EXPLANATION
    assert correction.organisation_id == sent.organisation_id
    sent.refresh_from_db()
    assert sent.form_data == {**ANSWERS, "birth_date": "2020-04-05", "school": "curie"}


def test_changes_read_as_the_person_wrote_them(sent, citizen_a):
    correction = correct(sent, citizen_a.user, birth_date="2020-04-05", school="curie")

    assert correction.changes_for_display() == [
        {
            "field": "birth_date",
            "label": "Date de naissance",
            "before": "4 mai 2020",
            "after": "5 avril 2020",
        },
        {
            "field": "school",
            "label": "École souhaitée",
            "before": "École Jean-Jaurès",
            "after": "École Marie-Curie",
        },
    ]


def test_each_correction_keeps_the_answers_it_replaced(sent, citizen_a):
    correct(sent, citizen_a.user, child_name="Lea")
    correct(sent, citizen_a.user, child_name="Léana")

    history = [c.changes[0] for c in CaseCorrection.objects.filter(case=sent)]
    assert [(c["before"], c["after"]) for c in history] == [("Léa", "Lea"), ("Lea", "Léana")]
    sent.refresh_from_db()
    assert sent.form_data["child_name"] == "Léana"


def test_a_correction_is_recorded_in_the_history_for_the_citizen(sent, citizen_a):
    correction = correct(sent, citizen_a.user, school="curie")

    event = CaseEvent.objects.filter(case=sent).latest("pk")
    assert event.kind == EventKind.CORRECTED
    assert event.visible_to_citizen
    assert event.actor == citizen_a.user
    assert event.reason == EXPLANATION
    assert event.data == {"correction_id": correction.pk, "fields": ["school"]}
    assert event.transition == ""


@pytest.mark.parametrize(
    "state", [CaseState.SUBMITTED, CaseState.IN_REVIEW, CaseState.AWAITING_CITIZEN]
)
def test_answers_are_corrected_while_the_service_has_not_decided(
    state, canteen_draft, citizen_a, agent_1
):
    case = walk_to(state, canteen_draft, citizen=citizen_a.user, agent=agent_1.user)

    correct(case, citizen_a.user, school="curie")

    case.refresh_from_db()
    assert case.state == state
    assert case.form_data["school"] == "curie"


@pytest.mark.parametrize(
    "state",
    [
        CaseState.ACCEPTED,
        CaseState.REJECTED,
        CaseState.CLOSED_WITHOUT_ACTION,
        CaseState.IMPLICIT_ACCEPTANCE,
        CaseState.IMPLICIT_REJECTION,
    ],
)
def test_a_decided_case_can_no_longer_be_corrected(
    state, canteen_procedure, canteen_draft, citizen_a, agent_1
):
    if state == CaseState.IMPLICIT_REJECTION:
        canteen_procedure.implicit_decision = ImplicitDecision.REJECTION
        canteen_procedure.save()
    case = walk_to(state, canteen_draft, citizen=citizen_a.user, agent=agent_1.user)
    before = snapshot(case)

    with pytest.raises(CaseError, match="Une décision a été prise sur ce dossier"):
        correct(case, citizen_a.user, school="curie")

    assert snapshot(case) == before
    assert not CaseCorrection.objects.exists()


def test_a_withdrawn_case_can_no_longer_be_corrected(sent, citizen_a):
    case = services.case_withdraw(case=sent, by=citizen_a.user)

    with pytest.raises(CaseError, match="Vous avez retiré cette demande"):
        correct(case, citizen_a.user, school="curie")

    case.refresh_from_db()
    assert case.form_data["school"] == "jaures"


def test_a_draft_is_changed_as_a_draft_not_corrected(canteen_draft, citizen_a):
    with pytest.raises(CaseError, match="pas encore envoyée"):
        correct(canteen_draft, citizen_a.user, school="curie")


@pytest.mark.parametrize("explanation", ["", "   \n ", None])
def test_an_explanation_of_the_mistake_is_required(sent, citizen_a, explanation):
    before = snapshot(sent)

    with pytest.raises(CaseError) as refused:
        services.case_correct(
            case=sent,
            by=citizen_a.user,
            form_data={**ANSWERS, "school": "curie"},
            explanation=explanation,
        )

    assert refused.value.errors == {
        "explanation": ["Expliquez en quelques mots l'erreur que vous corrigez."]
    }
    assert snapshot(sent) == before


def test_a_too_long_explanation_is_refused_with_its_length(sent, citizen_a):
    with pytest.raises(CaseError, match="Votre explication compte 2001 caractères"):
        services.case_correct(
            case=sent,
            by=citizen_a.user,
            form_data={**ANSWERS, "school": "curie"},
            explanation="x" * 2001,
        )


def test_a_correction_that_changes_nothing_is_refused(sent, citizen_a):
    before = snapshot(sent)

    with pytest.raises(CaseError, match="Vous n'avez modifié aucune réponse"):
        services.case_correct(
            case=sent, by=citizen_a.user, form_data=dict(ANSWERS), explanation=EXPLANATION
        )

    assert snapshot(sent) == before


def test_answers_typed_differently_but_stored_the_same_change_nothing(sent, citizen_a):
    # As the form sends them: a ticked box is "on", spaces around a name are dropped.
    typed = {**ANSWERS, "canteen": "on", "child_name": "  Léa "}

    with pytest.raises(CaseError, match="Vous n'avez modifié aucune réponse"):
        services.case_correct(case=sent, by=citizen_a.user, form_data=typed, explanation="x")


def test_corrected_answers_follow_the_rules_of_the_form(sent, citizen_a):
    before = snapshot(sent)

    with pytest.raises(CaseError) as refused:
        services.case_correct(
            case=sent,
            by=citizen_a.user,
            form_data={**ANSWERS, "birth_date": "04/05/2020", "child_name": ""},
            explanation="",
        )

    assert set(refused.value.errors) == {"birth_date", "child_name", "explanation"}
    assert "« Prénom de l'enfant » est obligatoire." in refused.value.errors["child_name"]
    assert snapshot(sent) == before


def test_a_question_hidden_by_the_correction_is_dropped_and_its_answer_kept_in_the_record(
    sent, citizen_a
):
    correction = correct(sent, citizen_a.user, canteen=False, canteen_days=["monday"])

    assert correction.changes == [
        {"field": "canteen", "label": "Cantine", "before": True, "after": None},
        {
            "field": "canteen_days",
            "label": "Jours de cantine",
            "before": ["monday", "thursday"],
            "after": None,
        },
    ]
    sent.refresh_from_db()
    assert "canteen_days" not in sent.form_data
    assert correction.changes_for_display()[0]["after"] == "Non"
    assert correction.changes_for_display()[1]["after"] == "Non renseigné"


def test_a_question_shown_by_the_correction_must_be_answered(canteen_procedure, citizen_a):
    answers = {key: ANSWERS[key] for key in ("child_name", "birth_date", "school")}
    draft = services.case_create_draft(
        person=citizen_a, procedure=canteen_procedure, by=citizen_a.user, form_data=answers
    )
    case = services.case_submit(case=draft, by=citizen_a.user)

    with pytest.raises(CaseError) as refused:
        correct(case, citizen_a.user, canteen=True)
    assert list(refused.value.errors) == ["canteen_days"]

    correction = correct(case, citizen_a.user, canteen=True, canteen_days=["tuesday"])
    assert [change["field"] for change in correction.changes] == ["canteen", "canteen_days"]


def test_what_the_person_says_of_their_situation_can_be_corrected_too(sent, citizen_a):
    correction = services.case_correct(
        case=sent,
        by=citizen_a.user,
        form_data=dict(ANSWERS),
        situation="Je travaille de nuit.",
        explanation="J'avais oublié de le préciser.",
    )

    assert correction.changes == [
        {
            "field": CaseCorrection.SITUATION,
            "label": "Ce que vous voulez nous dire de votre situation",
            "before": "",
            "after": "Je travaille de nuit.",
        }
    ]
    sent.refresh_from_db()
    assert sent.situation == "Je travaille de nuit."


def test_the_legal_clock_is_not_restarted_by_a_correction(sent, citizen_a, agent_1):
    case = services.case_start_review(case=sent, by=agent_1.user)
    case = services.case_request_information(
        case=case, by=agent_1.user, reason="Justificatif ?", due_on=datetime.date(2026, 3, 20)
    )
    clock_fields = [
        "state",
        "submitted_at",
        "received_on",
        "decision_due_on",
        "clock_suspended_on",
        "suspended_days",
        "citizen_due_on",
        "implicit_decision",
        "reference",
    ]
    before = {field: getattr(case, field) for field in clock_fields}
    receipt = Receipt.objects.values().get(case=case)

    correct(case, citizen_a.user, school="curie")

    case.refresh_from_db()
    assert {field: getattr(case, field) for field in clock_fields} == before
    assert Receipt.objects.values().get(case=case) == receipt


def test_nobody_else_corrects_a_citizens_case(sent, citizen_b):
    before = snapshot(sent)

    with pytest.raises(NotAllowed):
        correct(sent, citizen_b.user, school="curie")
    with pytest.raises(NotAllowed):
        correct(sent, None, school="curie")

    assert snapshot(sent) == before


# Notifications


def test_the_citizen_gets_an_email_listing_what_changed(
    in_review, citizen_a, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.PARCOURS_BASE_URL = "https://demarches.bellerive.example.org"

    with django_capture_on_commit_callbacks(execute=True):
        correct(in_review, citizen_a.user, birth_date="2020-04-05")

    (message,) = [m for m in mailoutbox if m.to == ["alice@example.org"]]
    assert (
        message.subject == f"Votre dossier {in_review.reference} : votre correction est enregistrée"
    )
    assert "Vous avez corrigé votre demande « Inscription à la cantine » le 2 mars 2026." in (
        message.body
    )
    assert "- Date de naissance\n  avant : 4 mai 2020\n  maintenant : 5 avril 2020" in message.body
    assert EXPLANATION in message.body
    assert "Cette correction ne change pas le délai : vous aurez une réponse au plus tard" in (
        message.body
    )
    url = f"https://demarches.bellerive.example.org/dossiers/{in_review.reference}/"
    assert url in message.body
    ((html, _mimetype),) = message.alternatives
    assert f'<a href="{url}">' in html
    assert "J&#x27;avais inversé le jour et le mois" in html


def test_the_confirmation_is_sent_whatever_the_preferences(
    sent, citizen_a, mailoutbox, django_capture_on_commit_callbacks
):
    citizen_a.notify_by_email = False
    citizen_a.save()

    with django_capture_on_commit_callbacks(execute=True):
        correct(sent, citizen_a.user, school="curie")

    assert ["alice@example.org"] in [m.to for m in mailoutbox]


def test_the_handling_service_and_the_referent_are_told(
    in_review, citizen_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        correct(in_review, citizen_a.user, school="curie")

    (message,) = [m for m in mailoutbox if m.to != ["alice@example.org"]]
    assert message.to == ["service@ville.example.org", "agent1@bellerive.example.org"]
    assert message.subject == f"Dossier {in_review.reference} : l'usager a corrigé sa demande"
    assert "Alice Durand a corrigé sa demande « Inscription à la cantine »" in message.body
    assert "- École souhaitée\n  avant : École Jean-Jaurès\n  maintenant : École Marie-Curie" in (
        message.body
    )
    assert "le délai de décision ne changent pas" in message.body


def test_without_a_referent_the_service_mailbox_is_told(
    sent, citizen_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        correct(sent, citizen_a.user, school="curie")

    assert sorted(m.to for m in mailoutbox) == [
        ["alice@example.org"],
        ["service@ville.example.org"],
    ]


def test_nothing_is_sent_before_the_commit_nor_if_it_rolls_back(sent, citizen_a, mailoutbox):
    seen_inside = []

    def correct_then_fail():
        with transaction.atomic():
            correct(sent, citizen_a.user, school="curie")
            seen_inside.extend(mailoutbox)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        correct_then_fail()

    assert seen_inside == []
    assert mailoutbox == []
    assert not CaseCorrection.objects.exists()
