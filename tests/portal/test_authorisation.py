"""Nobody reaches another person's case, draft, document, decision, message or call-back
through the citizen space: every URL pattern of the portal that names one is tried with
citizen A's ids by citizen B and by agents (of another unit, and of the unit that
handles the case: agents read cases in the back-office only, behind their second
factor), in GET and POST, and answers 404, changing nothing; anonymous visitors are
asked to sign in.

The patterns are read from the URL resolver, so a new page is covered as soon as it
exists: a pattern with a parameter that is in none of the tables below fails until
someone says how to build its parameters from citizen A's objects.
"""

import datetime
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from parcours.cases import services
from parcours.cases.models import Case, Document
from parcours.contacts import services as contact_services
from parcours.contacts.models import CallbackRequest, Message
from parcours.lib.working_days import next_working_day
from parcours.listening.services.complaints import complaint_file
from parcours.people.models import DataSharingConsent
from tests.cases.test_documents_service import PDF


def portal_patterns() -> dict[str, tuple[str, list[str]]]:
    """Every named pattern of the ``portal`` namespace: its route and its parameters."""
    found = {}

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    pattern.namespace or namespace,
                )
            elif namespace == "portal" and pattern.name:
                found[pattern.name] = (
                    prefix + str(pattern.pattern),
                    list(pattern.pattern.converters),
                )

    walk(get_resolver().url_patterns, "", None)
    return found


PATTERNS = portal_patterns()
WITH_PARAMETERS = sorted(name for name, (_, params) in PATTERNS.items() if params)

# Parameters that name nothing personal: published procedures and their appointment
# types are everyone's.
PUBLIC = {
    "procedure",
    "apply_start",
    "appointment_types",
    "appointment_slots",
    "appointment_book",
    "appointment_waiting_join",
    # Listening: each administration's public experiences and ideas; supporting or
    # commenting an idea acts as the signed-in person, on a published idea.
    "experiences_of",
    "ideas_of",
    "you_said_we_did",
    "idea",
    "idea_support",
    "idea_comment",
}

# Links sent by email, keyed by a signed token that names a random id: whoever holds the
# link acts for the person, with or without an account (parcours/appointments/links.py).
# There is no one else's id to try: a link we did not sign leads nowhere.
SIGNED_LINK = {
    "appointment_manage",
    "appointment_cancel",
    "appointment_move",
    "appointment_ics",
    "appointment_offer",
    "appointment_waiting",
    # Listening: the survey link and the confirmation of an experience.
    "feedback",
    "experience_confirm",
}


def a_case(people):
    return lambda a, b: [{"reference": a[people].reference}]


# How to build each pattern's parameters from citizen A's objects; where an object sits
# inside another (a document in a case), also inside citizen B's own container.
OWN_OBJECT = {
    "apply_step": lambda a, b: [{"pk": a["draft"].pk, "step": 1}],
    "apply_documents": lambda a, b: [{"pk": a["draft"].pk}],
    "apply_document_remove": lambda a, b: [
        {"pk": a["draft"].pk, "document_pk": a["draft_document"].pk},
        {"pk": b["draft"].pk, "document_pk": a["draft_document"].pk},
    ],
    "apply_review": lambda a, b: [{"pk": a["draft"].pk}],
    "apply_done": a_case("sent"),
    "case": a_case("sent"),
    "receipt": a_case("sent"),
    "receipt_pdf": a_case("sent"),
    "document": lambda a, b: [
        {"reference": a["sent"].reference, "pk": a["document"].pk},
        {"reference": b["sent"].reference, "pk": a["document"].pk},
    ],
    "case_withdraw": a_case("sent"),
    "consent_withdraw": lambda a, b: [{"pk": a["consent"].pk}],
    "case_answer": a_case("awaiting"),
    "case_send_documents": a_case("sent"),
    "case_messages": a_case("sent"),
    "case_correct": a_case("sent"),
    "case_correct_review": a_case("sent"),
    "decision": lambda a, b: [
        {"reference": a["decided"].reference, "pk": a["decision"].pk},
        {"reference": b["decided"].reference, "pk": a["decision"].pk},
    ],
    "decision_pdf": lambda a, b: [
        {"reference": a["decided"].reference, "pk": a["decision"].pk},
        {"reference": b["decided"].reference, "pk": a["decision"].pk},
    ],
    "callback_confirmation": lambda a, b: [{"pk": a["callback"].pk}],
    "complaint": lambda a, b: [{"reference": a["complaint"].reference}],
}


def posted() -> dict:
    """What a forgotten check would let through, posted to every page."""
    return {
        "action": "next",
        "child_name": "Pirate",
        "subject": "Pirate",
        "answer": "Réponse d'un autre",
        "reason": "Retrait par un autre",
        "body": "Message d'un autre",
        "explanation": "Correction par un autre",
        "kind_code": "",
        "file": SimpleUploadedFile("pirate.pdf", PDF),
    }


def belongings(person, procedure, agent) -> dict:
    """A person's draft with a file, a sent case with a file and a message, a case
    awaiting their answer, a decided case, and a call-back."""
    user = person.user

    def submitted():
        case = services.case_create_draft(
            person=person, procedure=procedure, by=user, form_data={"subject": "Inscription"}
        )
        return services.case_submit(case=case, by=user)

    draft = services.case_create_draft(
        person=person, procedure=procedure, by=user, form_data={"subject": "Brouillon"}
    )
    draft_document = services.document_add(
        case=draft, by=user, upload=SimpleUploadedFile("brouillon.pdf", PDF)
    )
    # Each case is taken from the queue as soon as it arrives: the agent may act on it.
    sent = services.case_start_review(case=submitted(), by=agent.user)
    document = services.document_add(case=sent, by=user, upload=SimpleUploadedFile("a.pdf", PDF))
    contact_services.message_send_from_citizen(case=sent, by=user, body="Où en est-il ?")
    awaiting = services.case_request_information(
        case=services.case_start_review(case=submitted(), by=agent.user),
        by=agent.user,
        reason="Un justificatif, s'il vous plaît.",
        due_on=timezone.localdate() + datetime.timedelta(days=15),
    )
    decided = services.case_accept(
        case=services.case_start_review(case=submitted(), by=agent.user), by=agent.user
    )
    callback = contact_services.callback_request(
        person=person,
        unit=procedure.handling_unit,
        by=user,
        phone="06 12 34 56 78",
        day=next_working_day(timezone.localdate() + datetime.timedelta(days=2)),
        half_day="morning",
        topic="Une question.",
    )
    consent = DataSharingConsent.objects.create(
        organisation_id=sent.organisation_id,
        person=person,
        user=user,
        what="Pièce « Justificatif de domicile »",
        target_case=sent,
    )
    complaint = complaint_file(
        person=person,
        unit=procedure.handling_unit,
        subject="Attente",
        description="Trop longue.",
        cases=[sent],
        by=user,
    )
    return {
        "complaint": complaint,
        "consent": consent,
        "draft": draft,
        "draft_document": draft_document,
        "sent": sent,
        "document": document,
        "awaiting": awaiting,
        "decided": decided,
        "decision": decided.decisions.get(),
        "callback": callback,
    }


@pytest.fixture
def no_pdf(monkeypatch):
    """The letters' PDFs have their own tests; these are about who gets in."""
    for name in ("_after_commit_render_receipt", "_after_commit_render_decision_letter"):
        monkeypatch.setattr(services, name, lambda *args: None, raising=False)


@pytest.fixture
def theirs(no_pdf, procedure, citizen_a, citizen_b, agent_1):
    return belongings(citizen_a, procedure, agent_1), belongings(citizen_b, procedure, agent_1)


def snapshot() -> dict:
    return {
        "cases": sorted(Case.objects.values_list("pk", "state", "form_data", "situation")),
        "documents": sorted(Document.objects.values_list("pk", "case_id")),
        "messages": Message.objects.count(),
        "callbacks": sorted(CallbackRequest.objects.values_list("pk", "status")),
    }


PERSONAL = sorted(set(WITH_PARAMETERS) - PUBLIC - SIGNED_LINK)


def test_every_portal_pattern_with_a_parameter_is_in_a_table():
    assert set(PERSONAL) - set(OWN_OBJECT) == set()


@pytest.mark.parametrize("name", PERSONAL)
@pytest.mark.parametrize("intruder", ["citizen_b", "agent_2", "agent_1", "manager"])
def test_nobody_reaches_another_persons_object_through_any_portal_url(
    client, theirs, citizen_a, intruder, name, request
):
    assert name in OWN_OBJECT, f"Say how to build the parameters of portal:{name}"
    a, b = theirs
    urls = [reverse(f"portal:{name}", kwargs=kwargs) for kwargs in OWN_OBJECT[name](a, b)]
    # The owner reaches the first of them: the ids are right, only the person is not.
    client.force_login(citizen_a.user)
    owner_get = client.get(urls[0]).status_code
    assert owner_get in (HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.METHOD_NOT_ALLOWED), name
    client.force_login(request.getfixturevalue(intruder).user)
    before = snapshot()

    for url in urls:
        got = client.get(url).status_code
        sent = client.post(url, posted()).status_code

        # A page that takes no GET says so to everyone, before looking anything up.
        assert got == (
            HTTPStatus.METHOD_NOT_ALLOWED
            if owner_get == HTTPStatus.METHOD_NOT_ALLOWED
            else HTTPStatus.NOT_FOUND
        ), url
        assert sent == HTTPStatus.NOT_FOUND, url
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(SIGNED_LINK & set(WITH_PARAMETERS)))
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed in"])
def test_a_link_we_did_not_sign_leads_nowhere(client, citizen_b, name, signed_in):
    if signed_in:
        client.force_login(citizen_b.user)
    url = reverse(f"portal:{name}", kwargs={"token": "eyJpZCI6MX0:forged:signature"})

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert client.post(url, posted()).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("name", PERSONAL)
def test_anonymous_visitors_are_sent_to_sign_in_from_every_personal_url(client, theirs, name):
    a, b = theirs
    url = reverse(f"portal:{name}", kwargs=OWN_OBJECT[name](a, b)[0])

    for response in (client.get(url), client.post(url, posted())):
        assert response.status_code == HTTPStatus.FOUND, url
        assert response["Location"].startswith(reverse("login")), url
