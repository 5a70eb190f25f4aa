"""The margins of manoeuvre (``cases.margins``): each needs a reason, only the holder or
a manager of the case's unit may use it, each is recorded for the managers and as an
internal event, and each has its guards."""

import datetime

import pytest
from django.utils import timezone

from parcours.cases import casework, margins, queue, services
from parcours.cases.enums import CaseState, EventKind, MarginKind
from parcours.cases.errors import CaseError, NotAllowed
from parcours.cases.models import Case, CaseEvent, MarginUse
from parcours.contacts.models import MessageTemplate
from tests.factories import AgentFactory, rewrite_published_version

from .conftest import submit

pytestmark = pytest.mark.sqlite

DOCUMENTS = [
    {"code": "domicile", "label": "Justificatif de domicile"},
    {"code": "identite", "label": "Pièce d'identité"},
]


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def colleague(unit_1):
    return AgentFactory(unit=unit_1, title="Instructeur")


@pytest.fixture
def held(submitted, agent_1):
    """A case of unit 1 that agent 1 holds, whose procedure asks for two documents."""
    submitted.procedure_version.required_documents = DOCUMENTS
    rewrite_published_version(submitted.procedure_version)
    return queue.case_take(case=submitted, by=agent_1.user)


@pytest.fixture
def awaiting(held, agent_1):
    """Agent 1 asked the citizen for a document, to be sent within 10 days."""
    return casework.case_ask_for_information(
        case=held, by=agent_1.user, missing="", document_codes=["domicile"], due_on=in_days(10)
    )


def reload(case) -> Case:
    return Case.objects.get(pk=case.pk)


# ---------------------------------------------------------------------------
# Extending the citizen's deadline


def test_the_holder_gives_the_citizen_more_time_with_a_reason(awaiting, agent_1):
    before = awaiting.citizen_due_on
    decision_due_on = reload(awaiting).decision_due_on

    case = margins.case_extend_citizen_deadline(
        case=awaiting, by=agent_1.user, due_on=in_days(30), reason="Hospitalisé deux semaines."
    )

    assert case.citizen_due_on >= in_days(30)
    assert reload(case).decision_due_on == decision_due_on
    use = MarginUse.objects.get()
    assert (use.kind, use.agent, use.unit, use.reason) == (
        MarginKind.EXTEND_DEADLINE,
        agent_1,
        awaiting.unit,
        "Hospitalisé deux semaines.",
    )
    assert use.details == {"from": before.isoformat(), "to": case.citizen_due_on.isoformat()}
    event = CaseEvent.objects.get(case=case, kind=EventKind.MARGIN_USED)
    assert not event.visible_to_citizen
    assert event.reason == "Hospitalisé deux semaines."


@pytest.mark.parametrize("reason", ["", "   "])
def test_extending_a_deadline_needs_a_reason(awaiting, agent_1, reason):
    with pytest.raises(CaseError) as raised:
        margins.case_extend_citizen_deadline(
            case=awaiting, by=agent_1.user, due_on=in_days(30), reason=reason
        )

    assert raised.value.field == "reason"
    assert not MarginUse.objects.exists()


@pytest.mark.parametrize("days", [5, 10, -1])
def test_the_new_date_must_come_after_the_current_one(awaiting, agent_1, days):
    current = reload(awaiting).citizen_due_on
    with pytest.raises(CaseError) as raised:
        margins.case_extend_citizen_deadline(
            case=awaiting,
            by=agent_1.user,
            due_on=min(in_days(days), current),
            reason="Un motif.",
        )

    assert raised.value.field == "due_on"
    assert reload(awaiting).citizen_due_on == current


def test_there_is_no_deadline_to_extend_on_a_case_not_awaiting_the_citizen(held, agent_1):
    with pytest.raises(CaseError, match="n'attend pas de réponse"):
        margins.case_extend_citizen_deadline(
            case=held, by=agent_1.user, due_on=in_days(30), reason="Un motif."
        )

    assert not MarginUse.objects.exists()


def test_the_citizen_is_told_the_new_date_by_email(
    awaiting, agent_1, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = margins.case_extend_citizen_deadline(
            case=awaiting, by=agent_1.user, due_on=in_days(30), reason="Motif interne."
        )

    (email,) = mailoutbox
    assert email.to == [case.person.email]
    assert case.reference in email.subject
    assert "délai de réponse prolongé" in email.subject
    from django.utils import formats

    assert formats.date_format(case.citizen_due_on, "j F Y") in email.body
    assert "Motif interne." not in email.body


# ---------------------------------------------------------------------------
# Waiving a document


def test_a_waived_document_is_no_longer_missing_nor_asked_again(held, agent_1):
    assert [piece["code"] for piece in margins.missing_documents(held)] == [
        "domicile",
        "identite",
    ]

    use = margins.case_waive_document(
        case=held, by=agent_1.user, code="identite", reason="Connue du service depuis 2019."
    )

    assert use.details == {"code": "identite", "label": "Pièce d'identité"}
    assert [piece["code"] for piece in margins.missing_documents(held)] == ["domicile"]
    assert [piece["code"] for piece in margins.waivable_documents(held)] == ["domicile"]
    with pytest.raises(CaseError) as raised:
        casework.case_ask_for_information(
            case=held, by=agent_1.user, missing="", document_codes=["identite"], due_on=in_days(9)
        )
    assert raised.value.field == "documents"
    assert reload(held).state == CaseState.SUBMITTED


def test_a_document_is_waived_once_and_only_one_the_procedure_asks_for(held, agent_1):
    margins.case_waive_document(case=held, by=agent_1.user, code="identite", reason="Connue.")

    with pytest.raises(CaseError, match="déjà dispensée"):
        margins.case_waive_document(case=held, by=agent_1.user, code="identite", reason="Encore.")
    with pytest.raises(CaseError) as unknown:
        margins.case_waive_document(case=held, by=agent_1.user, code="rib", reason="Inconnue.")

    assert unknown.value.field == "code"
    assert MarginUse.objects.count() == 1


def test_waiving_a_document_needs_a_reason(held, agent_1):
    with pytest.raises(CaseError) as raised:
        margins.case_waive_document(case=held, by=agent_1.user, code="identite", reason="")

    assert raised.value.field == "reason"


def test_no_document_is_waived_on_a_closed_case(held, agent_1):
    services.case_close_without_action(case=held, by=agent_1.user, reason="Doublon.")

    with pytest.raises(CaseError, match="clos"):
        margins.case_waive_document(case=held, by=agent_1.user, code="identite", reason="Connue.")


# ---------------------------------------------------------------------------
# Fast-tracking


def test_a_fast_tracked_case_comes_first_in_its_units_queue(procedure, citizen_a, agent_1):
    today = timezone.localdate()
    oldest = submit(procedure, citizen_a, on=today - datetime.timedelta(days=20))
    newest = submit(procedure, citizen_a, on=today - datetime.timedelta(days=1))
    assert list(queue.queue_of(procedure.handling_unit)) == [oldest, newest]
    assert queue.next_in_queue(procedure.handling_unit) == oldest

    queue.case_take(case=newest, by=agent_1.user, reason="Usager sans ressources.")
    margins.case_fast_track(case=newest, by=agent_1.user, reason="Usager sans ressources.")

    assert list(queue.queue_of(procedure.handling_unit)) == [newest, oldest]
    margins.case_fast_track(case=newest, by=agent_1.user, reason="Situation rétablie.", on=False)
    assert list(queue.queue_of(procedure.handling_unit)) == [oldest, newest]
    assert list(MarginUse.objects.order_by("pk").values_list("kind", "reason")) == [
        (MarginKind.FAST_TRACK, "Usager sans ressources."),
        (MarginKind.FAST_TRACK_REMOVED, "Situation rétablie."),
    ]


def test_the_next_case_nobody_holds_is_the_fast_tracked_one(procedure, citizen_a, org_admin):
    today = timezone.localdate()
    submit(procedure, citizen_a, on=today - datetime.timedelta(days=20))
    newest = submit(procedure, citizen_a, on=today - datetime.timedelta(days=1))

    # An organisation administrator flags it without taking it: it stays free.
    margins.case_fast_track(case=newest, by=org_admin.user, reason="Expulsion dans 8 jours.")

    assert reload(newest).referent is None
    assert queue.next_in_queue(procedure.handling_unit) == newest


@pytest.mark.parametrize("on", [True, False])
def test_fast_tracking_or_removing_it_needs_a_reason(held, agent_1, on):
    if not on:
        margins.case_fast_track(case=held, by=agent_1.user, reason="Détresse.")

    with pytest.raises(CaseError) as raised:
        margins.case_fast_track(case=held, by=agent_1.user, reason=" ", on=on)

    assert raised.value.field == "reason"
    assert reload(held).fast_tracked is not on


def test_a_case_is_not_fast_tracked_twice(held, agent_1):
    margins.case_fast_track(case=held, by=agent_1.user, reason="Détresse.")

    with pytest.raises(CaseError, match="déjà"):
        margins.case_fast_track(case=held, by=agent_1.user, reason="Encore.")

    assert MarginUse.objects.count() == 1


def test_a_closed_case_keeps_its_flag_out_of_reach(held, agent_1):
    margins.case_fast_track(case=held, by=agent_1.user, reason="Détresse.")
    services.case_close_without_action(case=held, by=agent_1.user, reason="Doublon.")

    with pytest.raises(CaseError, match="clos"):
        margins.case_fast_track(case=held, by=agent_1.user, reason="Rétabli.", on=False)


# ---------------------------------------------------------------------------
# Overriding a template


@pytest.fixture
def template(organisation):
    return MessageTemplate.objects.create(
        organisation=organisation,
        title="Pièce reçue",
        body="Bonjour {prenom}, nous avons bien reçu la pièce pour votre dossier {reference}.",
    )


def test_a_message_close_to_its_template_needs_no_reason(held, agent_1, template):
    body = f"Bonjour Alice,  nous avons bien reçu la pièce pour votre dossier {held.reference} !"

    margins.message_send_from_template(case=held, by=agent_1.user, body=body, template=template)

    assert held.messages.get().body == body
    assert not MarginUse.objects.exists()


def test_a_message_that_departs_from_its_template_needs_a_reason(held, agent_1, template):
    body = "Bonjour, votre demande sera examinée en commission le 12 mars."

    with pytest.raises(CaseError) as raised:
        margins.message_send_from_template(case=held, by=agent_1.user, body=body, template=template)
    assert raised.value.field == "reason"
    assert not held.messages.exists()

    margins.message_send_from_template(
        case=held, by=agent_1.user, body=body, template=template, reason="Cas de commission."
    )

    use = MarginUse.objects.get()
    assert (use.kind, use.reason) == (MarginKind.OVERRIDE_TEMPLATE, "Cas de commission.")
    assert use.details["template"] == "Pièce reçue"
    assert use.details["message_id"] == held.messages.get().pk


def test_a_message_without_a_template_is_no_margin(held, agent_1):
    margins.message_send_from_template(case=held, by=agent_1.user, body="Bonjour.")

    assert held.messages.count() == 1
    assert not MarginUse.objects.exists()


# ---------------------------------------------------------------------------
# Who may use a margin


def use_each(case, user, code="identite"):
    """Each margin in turn: the errors they raise."""
    calls = [
        lambda: margins.case_waive_document(case=case, by=user, code=code, reason="Un motif."),
        lambda: margins.case_fast_track(case=case, by=user, reason="Un motif."),
    ]
    errors = []
    for call in calls:
        with pytest.raises((NotAllowed, CaseError)) as raised:
            call()
        errors.append(raised.value)
    return errors


@pytest.mark.parametrize("who", ["citizen_a", "agent_2", "manager_2", "helper", "colleague"])
def test_only_the_holder_or_a_manager_of_the_unit_uses_a_margin(held, who, request):
    user = request.getfixturevalue(who).user

    errors = use_each(held, user)

    assert all(isinstance(error, NotAllowed) for error in errors)
    assert not MarginUse.objects.exists()
    assert reload(held).fast_tracked is False


@pytest.mark.parametrize("who", ["citizen_a", "agent_2", "colleague"])
def test_only_the_holder_or_a_manager_extends_a_deadline(awaiting, who, request):
    with pytest.raises(NotAllowed):
        margins.case_extend_citizen_deadline(
            case=awaiting,
            by=request.getfixturevalue(who).user,
            due_on=in_days(30),
            reason="Un motif.",
        )

    assert not MarginUse.objects.exists()


@pytest.mark.parametrize("who", ["manager", "org_admin"])
def test_a_manager_of_the_unit_uses_a_margin_on_a_case_a_colleague_holds(held, who, request):
    agent = request.getfixturevalue(who)

    margins.case_fast_track(case=held, by=agent.user, reason="Signalé par l'assistante sociale.")

    use = MarginUse.objects.get()
    assert use.agent == agent
    assert reload(held).referent.user != agent.user


# ---------------------------------------------------------------------------
# The report's reads


def test_the_summary_counts_uses_per_month_agent_and_kind(held, agent_1, manager):
    margins.case_waive_document(case=held, by=agent_1.user, code="identite", reason="A.")
    margins.case_waive_document(case=held, by=agent_1.user, code="domicile", reason="B.")
    margins.case_fast_track(case=held, by=manager.user, reason="C.")
    today = timezone.localdate()

    uses = margins.uses_in(held.unit, since=today, until=today)
    rows = margins.summary(uses)

    assert {(row["agent"], row["kind"], row["count"]) for row in rows} == {
        (agent_1, MarginKind.WAIVE_DOCUMENT, 2),
        (manager, MarginKind.FAST_TRACK, 1),
    }
    assert {row["month"] for row in rows} == {today.replace(day=1)}
    assert margins.uses_in(held.unit, since=today, until=today, kind="fast_track").count() == 1
    assert margins.uses_in(held.unit, since=today, until=today, agent=agent_1).count() == 2
    yesterday = today - datetime.timedelta(days=1)
    assert not margins.uses_in(held.unit, since=yesterday, until=yesterday).exists()


@pytest.mark.parametrize(
    ("today", "since"),
    [
        (datetime.date(2026, 5, 31), datetime.date(2026, 2, 28)),
        (datetime.date(2026, 2, 10), datetime.date(2025, 11, 10)),
        (datetime.date(2026, 12, 1), datetime.date(2026, 9, 1)),
    ],
)
def test_the_default_period_is_the_last_three_months(today, since):
    assert margins.default_period(today) == (since, today)


@pytest.mark.parametrize(
    ("body", "departs"),
    [
        ("Bonjour Alice, votre dossier est complet.", False),
        ("Bonjour  Alice,\nvotre dossier est complet.", False),
        ("Bonjour Alice, votre dossier est complet !", False),
        ("Votre demande passe en commission le 12 mars prochain.", True),
    ],
)
def test_small_edits_of_a_template_are_no_margin(body, departs):
    assert (
        margins.departs_from_template(body, "Bonjour Alice, votre dossier est complet.") is departs
    )


def test_taking_the_next_case_gives_the_fast_tracked_one(procedure, citizen_a, agent_1, org_admin):
    today = timezone.localdate()
    submit(procedure, citizen_a, on=today - datetime.timedelta(days=20))
    newest = submit(procedure, citizen_a, on=today - datetime.timedelta(days=1))
    margins.case_fast_track(case=newest, by=org_admin.user, reason="Usager sans ressources.")

    taken = queue.case_claim_next(unit=procedure.handling_unit, by=agent_1.user)

    assert taken == newest
    assert taken.referent == agent_1
