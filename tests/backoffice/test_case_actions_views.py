"""The actions panel of the agent's case page and each action's page: every role's
denials, post/redirect/get with a clear message, what the citizen is sent, and what
stays between agents."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.cases import casework, queue
from parcours.cases.enums import CaseState, EventKind
from parcours.cases.models import Case, CaseEvent
from parcours.contacts.models import Message, MessageTemplate
from tests.factories import AgentFactory

from .conftest import OUTSIDERS, assert_refused, sign_in_as, verified
from .conftest import case_url as url

pytestmark = pytest.mark.sqlite

ACTIONS = [
    ("case_start_review", "post"),
    ("case_message", "get"),
    ("case_message", "post"),
    ("case_request_information", "get"),
    ("case_request_information", "post"),
    ("case_decide", "get"),
    ("case_decide", "post"),
    ("case_close", "get"),
    ("case_close", "post"),
    ("case_hand_over", "get"),
    ("case_hand_over", "post"),
    ("case_reroute", "get"),
    ("case_reroute", "post"),
    ("case_ask_opinion", "get"),
    ("case_ask_opinion", "post"),
    ("case_note", "get"),
    ("case_note", "post"),
]
POSTED = {
    "body": "Bonjour.",
    "missing": "Votre RIB.",
    "outcome": "accepted",
    "reason": "Un motif.",
    "text": "Un texte.",
}


@pytest.fixture
def colleague(unit_1):
    return AgentFactory(
        unit=unit_1, user__first_name="Paul", user__last_name="Vidal", title="Instructeur"
    )


@pytest.fixture
def held(submitted, agent_1):
    return queue.case_take(case=submitted, by=agent_1.user)


@pytest.mark.parametrize(("name", "method"), ACTIONS)
@pytest.mark.parametrize(
    ("role", "expected"),
    OUTSIDERS,
)
def test_nobody_outside_the_unit_reaches_an_action(
    client, request, held, name, method, role, expected
):
    client = sign_in_as(client, role, request)
    events = CaseEvent.objects.count()

    response = getattr(client, method)(url(name, held), POSTED if method == "post" else None)

    assert_refused(response, expected)
    assert CaseEvent.objects.count() == events
    assert not Message.objects.exists()


@pytest.mark.parametrize(("name", "method"), [a for a in ACTIONS if a[0] != "case_note"])
def test_a_colleague_of_the_unit_who_does_not_hold_the_case_is_sent_back(
    client, held, colleague, name, method
):
    verified(client, colleague.user)
    events = CaseEvent.objects.count()

    response = getattr(client, method)(url(name, held), POSTED if method == "post" else None)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url("case", held)
    assert CaseEvent.objects.count() == events
    follow = client.get(url("case", held))
    assert "seul son interlocuteur, ou un responsable du service" in follow.text


def test_the_panel_offers_the_holder_every_action(client, held, agent_1):
    verified(client, agent_1.user)

    page = client.get(url("case", held)).text

    for name in [
        "case_start_review",
        "case_message",
        "case_request_information",
        "case_decide",
        "case_hand_over",
        "case_reroute",
        "case_ask_opinion",
        "case_close",
        "case_note",
    ]:
        assert url(name, held) in page


def test_a_case_that_is_not_next_must_be_taken_first(
    client, procedure, citizen_b, held, agent_1, colleague
):
    from .conftest import submit

    later = submit(procedure, citizen_b, on=timezone.localdate())
    verified(client, colleague.user)
    Case.objects.filter(pk=held.pk).update(referent=None)  # held is the next one again

    page = client.get(url("case", later)).text
    response = client.post(url("case_start_review", later))

    assert "prenez-le d'abord, en disant pourquoi" in page
    assert url("case_take", later) in page
    assert url("case_decide", later) not in page
    assert response.status_code == HTTPStatus.FOUND
    later.refresh_from_db()
    assert (later.state, later.referent) == (CaseState.SUBMITTED, None)


def test_starting_the_review_of_the_next_case_takes_it(client, submitted, agent_1):
    verified(client, agent_1.user)

    response = client.post(url("case_start_review", submitted), follow=True)

    submitted.refresh_from_db()
    assert (submitted.state, submitted.referent) == (CaseState.IN_REVIEW, agent_1)
    assert "L&#x27;instruction du dossier commence." in response.text


def test_a_template_prefills_the_message_and_the_agent_edits_it_before_sending(
    client, held, agent_1, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    template = MessageTemplate.objects.create(
        organisation=organisation, title="Accueil", body="Bonjour {prenom}, dossier {reference}."
    )
    MessageTemplate.objects.create(
        organisation=organisation, title="Éteint", body="x", is_active=False
    )
    verified(client, agent_1.user)

    page = client.get(url("case_message", held), {"modele": template.pk}).text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("case_message", held),
            {
                "body": "Bonjour Alice, tout est en ordre.",
                "template": template.pk,
                # The text departs from the template: a margin, with its reason.
                "reason": "Le dossier est complet, le modèle ne le dit pas.",
            },
        )

    assert f"Bonjour Alice, dossier {held.reference}." in page
    assert "Éteint" not in page
    assert response.status_code == HTTPStatus.FOUND
    assert held.messages.get().body == "Bonjour Alice, tout est en ordre."
    (email,) = mailoutbox
    assert "Bonjour Alice, tout est en ordre." in email.body


def test_an_empty_message_is_refused_politely(client, held, agent_1):
    verified(client, agent_1.user)

    response = client.post(url("case_message", held), {"body": "  "})

    assert response.status_code == HTTPStatus.OK
    assert "Écrivez votre message avant de l&#x27;envoyer." in response.text


def test_requesting_information_offers_a_default_date_and_refuses_a_past_one(
    client, held, agent_1, settings
):
    settings.PARCOURS_INFORMATION_DUE_DAYS = 15
    verified(client, agent_1.user)
    default = timezone.localdate() + datetime.timedelta(days=15)

    page = client.get(url("case_request_information", held)).text
    refused = client.post(
        url("case_request_information", held),
        {"missing": "Votre RIB.", "due_on": timezone.localdate().isoformat()},
    )
    sent = client.post(
        url("case_request_information", held),
        {"missing": "Votre RIB.", "due_on": default.isoformat()},
    )

    assert default.isoformat() in page
    assert "doit être postérieure à aujourd&#x27;hui" in refused.text
    assert sent.status_code == HTTPStatus.FOUND
    held.refresh_from_db()
    assert held.state == CaseState.AWAITING_CITIZEN


def test_deciding_shows_the_letter_before_confirming(
    client, held, agent_1, mailoutbox, django_capture_on_commit_callbacks
):
    verified(client, agent_1.user)
    data = {"outcome": "rejected", "reasons": "Vous habitez hors de la commune."}

    missing = client.post(url("case_decide", held), {"outcome": "rejected", "reasons": ""})
    preview = client.post(url("case_decide", held), data)
    held.refresh_from_db()
    state_after_preview = held.state
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(url("case_decide", held), {**data, "confirm": "1"})

    assert "Un refus doit être motivé" in missing.text
    assert "Relire le courrier de décision" in preview.text
    assert "Vous habitez hors de la commune." in preview.text
    assert "Claire Martin" in preview.text  # the letter names the agent
    assert state_after_preview == CaseState.SUBMITTED
    assert confirmed.status_code == HTTPStatus.FOUND
    held.refresh_from_db()
    assert held.state == CaseState.REJECTED
    assert held.decisions.get().signer_name == "Claire Martin"
    assert any("refusée" in email.body for email in mailoutbox)


def test_the_agent_may_go_back_and_change_the_decision(client, held, agent_1):
    verified(client, agent_1.user)

    response = client.post(
        url("case_decide", held), {"outcome": "accepted", "reasons": "Complet.", "edit": "1"}
    )

    assert response.status_code == HTTPStatus.OK
    assert "Voir le courrier" in response.text
    held.refresh_from_db()
    assert held.state == CaseState.SUBMITTED


def test_handing_over_shows_the_new_referent_to_the_citizen(
    client, held, agent_1, colleague, citizen_a, mailoutbox, django_capture_on_commit_callbacks
):
    verified(client, agent_1.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("case_hand_over", held), {"to": colleague.pk, "reason": ""})

    assert response.status_code == HTTPStatus.FOUND
    client.force_login(citizen_a.user)
    portal = client.get(reverse("portal:case", args=[held.reference])).text
    assert "Paul Vidal" in portal
    (email,) = mailoutbox
    assert "Paul Vidal" in email.body


def test_rerouting_sends_the_agent_back_to_their_queue(client, held, agent_1, unit_2):
    verified(client, agent_1.user)

    response = client.post(url("case_reroute", held), {"unit": unit_2.pk, "text": "Voirie."})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("backoffice:home")
    held.refresh_from_db()
    assert (held.unit, held.referent) == (unit_2, None)


def test_closing_without_action_needs_a_reason(client, held, agent_1):
    verified(client, agent_1.user)

    refused = client.post(url("case_close", held), {"reason": ""})
    closed = client.post(url("case_close", held), {"reason": "Demande en double."})

    assert "Dites à l&#x27;usager pourquoi" in refused.text
    assert closed.status_code == HTTPStatus.FOUND
    held.refresh_from_db()
    assert held.state == CaseState.CLOSED_WITHOUT_ACTION


def test_a_note_is_shown_to_agents_and_never_to_the_citizen(
    client, held, colleague, citizen_a, mailoutbox, django_capture_on_commit_callbacks
):
    secret = "Le père a appelé, situation tendue."
    verified(client, colleague.user)  # any agent of the unit may annotate
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("case_note", held), {"text": secret})
    backoffice = client.get(url("case", held)).text
    client.force_login(citizen_a.user)
    portal = client.get(reverse("portal:case", args=[held.reference])).text

    assert response.status_code == HTTPStatus.FOUND
    assert secret in backoffice
    assert secret not in portal
    assert all(secret not in email.body for email in mailoutbox)


# ---------------------------------------------------------------------------
# Opinions


@pytest.fixture
def opinion(held, agent_1, unit_2):
    return casework.opinion_request_create(
        case=held, by=agent_1.user, to_unit=unit_2, question="Ce trottoir est-il le vôtre ?"
    )


def test_the_consulted_unit_reads_the_case_while_the_request_is_open_and_it_is_logged(
    client, opinion, agent_2
):
    verified(client, agent_2.user)

    listed = client.get(reverse("backoffice:opinions")).text
    page = client.get(reverse("backoffice:opinion", args=[opinion.pk])).text

    assert reverse("backoffice:opinion", args=[opinion.pk]) in listed
    assert "Ce trottoir est-il le vôtre ?" in page
    assert opinion.case.person.full_name in page
    read = CaseEvent.objects.get(kind=EventKind.OPINION_READ)
    assert (read.actor, read.visible_to_citizen) == (agent_2.user, False)
    # The exception is the opinion page only: the case page is not opened as such.
    assert client.get(url("case", opinion.case)).status_code != HTTPStatus.OK


def test_after_answering_the_consulted_unit_no_longer_reads_the_case(
    client, opinion, agent_2, agent_1
):
    verified(client, agent_2.user)

    response = client.post(
        reverse("backoffice:opinion", args=[opinion.pk]), {"answer": "Oui, il est à nous."}
    )
    page = client.get(reverse("backoffice:opinion", args=[opinion.pk])).text

    assert response.status_code == HTTPStatus.FOUND
    assert "Oui, il est à nous." in page
    assert opinion.case.person.full_name not in page
    verified(client, agent_1.user)
    assert "Oui, il est à nous." in client.get(url("case", opinion.case)).text


@pytest.mark.parametrize("role", ["agent_1", "helper", "citizen_a"])
def test_nobody_else_reads_the_opinion_request(client, request, opinion, role):
    client = sign_in_as(client, role, request)

    response = client.get(reverse("backoffice:opinion", args=[opinion.pk]))

    expected = HTTPStatus.NOT_FOUND if role == "agent_1" else HTTPStatus.FORBIDDEN
    assert response.status_code == expected
    assert not CaseEvent.objects.filter(kind=EventKind.OPINION_READ).exists()


# ---------------------------------------------------------------------------
# Message templates in the back-office


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("agent_1", HTTPStatus.FORBIDDEN),
        ("helper", HTTPStatus.FORBIDDEN),
        ("citizen_a", HTTPStatus.FORBIDDEN),
        ("manager", HTTPStatus.OK),
        ("org_admin", HTTPStatus.OK),
    ],
)
def test_only_managers_keep_the_templates(client, request, role, expected):
    client = sign_in_as(client, role, request)

    assert client.get(reverse("backoffice:message_templates")).status_code == expected
    assert client.get(reverse("backoffice:message_template_new")).status_code == expected


def test_a_manager_creates_and_edits_a_template_of_their_administration(
    client, manager, procedure, organisation
):
    verified(client, manager.user)

    created = client.post(
        reverse("backoffice:message_template_new"),
        {
            "title": "Relance",
            "procedure": procedure.pk,
            "body": "Bonjour {prenom}.",
            "is_active": "on",
        },
    )
    template = MessageTemplate.objects.get()
    edited = client.post(
        reverse("backoffice:message_template", args=[template.pk]),
        {"title": "Relance polie", "procedure": "", "body": "Bonjour {prenom}."},
    )

    assert created.status_code == edited.status_code == HTTPStatus.FOUND
    template.refresh_from_db()
    assert (template.title, template.procedure, template.is_active) == (
        "Relance polie",
        None,
        False,
    )
    assert template.organisation == organisation
    listed = client.get(reverse("backoffice:message_templates")).text
    assert "Relance polie" in listed
    assert "Toutes les démarches" in listed


def test_a_manager_does_not_open_another_administration_s_template(client, manager):
    from tests.factories import OrganisationFactory

    other = MessageTemplate.objects.create(
        organisation=OrganisationFactory(slug="autre"), title="Ailleurs", body="x"
    )
    verified(client, manager.user)

    response = client.get(reverse("backoffice:message_template", args=[other.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_an_organisation_administrator_hands_over_but_does_not_decide_outside_their_units(
    client, held, org_admin, colleague
):
    verified(client, org_admin.user)

    page = client.get(url("case", held)).text
    response = client.post(url("case_hand_over", held), {"to": colleague.pk})

    assert url("case_hand_over", held) in page
    assert url("case_decide", held) not in page
    assert url("case_close", held) not in page
    assert response.status_code == HTTPStatus.FOUND
    held.refresh_from_db()
    assert held.referent == colleague
