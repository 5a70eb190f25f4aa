"""The agents' pages of the channels: triage of emails, recording a call, a visit or a
letter, and a request filed for a person. Each also tries someone else's data."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parcours.cases.enums import CaseChannel, CaseState, EventKind
from parcours.channels import inbound
from parcours.channels.enums import ContactChannel, InboundStatus
from parcours.channels.models import AssistedSubmission, ContactRecord
from parcours.contacts.models import Message
from parcours.people.models import Person
from tests.backoffice.conftest import verified
from tests.factories import PersonFactory, ProcedureFactory

pytestmark = pytest.mark.sqlite

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def unknown_email(inbound_settings, unit_address):
    content = (
        f"From: Zoé Martin <zoe@example.net>\r\nTo: {unit_address}\r\n"
        "Subject: Inscription cantine\r\nMessage-ID: <1@example.net>\r\n\r\n"
        "Bonjour, je voudrais inscrire mon fils.\r\n"
    ).encode()
    return inbound.receive(
        envelope_from="zoe@example.net", recipients=[unit_address], content=content
    )


def test_the_triage_queue_lists_the_emails_of_the_agents_units_only(
    client, agent_1, agent_2, unknown_email
):
    page = verified(client, agent_1.user).get(reverse("channels:triage"))
    assert page.status_code == HTTPStatus.OK
    assert "Inscription cantine" in page.content.decode()

    other = verified(client, agent_2.user).get(reverse("channels:triage"))
    assert "Inscription cantine" not in other.content.decode()
    detail = client.get(reverse("channels:inbound", args=[unknown_email.pk]))
    assert detail.status_code == HTTPStatus.NOT_FOUND
    raw = client.get(reverse("channels:inbound_raw", args=[unknown_email.pk]))
    assert raw.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("who", "expected"),
    [("citizen_a", HTTPStatus.FORBIDDEN), ("helper", HTTPStatus.FORBIDDEN)],
)
def test_citizens_and_helpers_never_reach_the_triage_queue(client, request, who, expected):
    person = request.getfixturevalue(who)
    client.force_login(person.user)
    assert client.get(reverse("channels:triage")).status_code == expected


def test_an_anonymous_visitor_is_sent_to_the_agents_sign_in(client):
    response = client.get(reverse("channels:contact_new"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("backoffice:login"))


def test_an_agent_attaches_an_email_of_the_triage_to_a_person_and_a_case(
    client, agent_1, unknown_email, citizen_a, procedure, no_receipt_pdf
):
    from parcours.cases.services import case_submit
    from tests.factories import CaseFactory

    case = case_submit(case=CaseFactory(procedure=procedure, person=citizen_a), by=citizen_a.user)
    client = verified(client, agent_1.user)
    url = reverse("channels:inbound", args=[unknown_email.pk])
    page = client.get(url, {"q": "Durand"})
    assert citizen_a.full_name in page.content.decode()

    response = client.post(
        url, {"action": "attach", "person": citizen_a.pk, "case": case.reference.lower()}
    )

    assert response.status_code == HTTPStatus.FOUND
    unknown_email.refresh_from_db()
    assert unknown_email.status == InboundStatus.ATTACHED
    assert unknown_email.handled_by == agent_1.user
    message = Message.objects.get(case=case)
    assert message.person == citizen_a
    assert "je voudrais inscrire mon fils" in message.body


def test_attaching_to_a_person_of_another_administration_or_an_unknown_case_is_refused(
    client, agent_1, unknown_email, citizen_a
):
    stranger = PersonFactory()  # another organisation
    client = verified(client, agent_1.user)
    url = reverse("channels:inbound", args=[unknown_email.pk])

    other = client.post(url, {"action": "attach", "person": stranger.pk})
    unknown = client.post(url, {"action": "attach", "person": citizen_a.pk, "case": "2026-XXX-1"})

    assert other.status_code == HTTPStatus.BAD_REQUEST
    assert "Choisissez la personne" in other.content.decode()
    assert unknown.status_code == HTTPStatus.BAD_REQUEST
    assert "Aucun dossier ne porte ce numéro" in unknown.content.decode()
    unknown_email.refresh_from_db()
    assert unknown_email.status == InboundStatus.TRIAGE


def test_an_agent_dismisses_an_email_with_a_reason_and_a_reason_is_required(
    client, agent_1, unknown_email
):
    client = verified(client, agent_1.user)
    url = reverse("channels:inbound", args=[unknown_email.pk])

    empty = client.post(url, {"action": "dismiss", "reason": "  "})
    done = client.post(url, {"action": "dismiss", "reason": "Publicité"})

    assert empty.status_code == HTTPStatus.BAD_REQUEST
    assert "Dites pourquoi" in empty.content.decode()
    assert done.status_code == HTTPStatus.FOUND
    unknown_email.refresh_from_db()
    assert (unknown_email.status, unknown_email.dismiss_reason) == (
        InboundStatus.DISMISSED,
        "Publicité",
    )


def test_find_a_person_by_birth_date_phone_or_name(client, agent_1, citizen_a, citizen_b):
    citizen_a.birth_date = "1984-03-16"
    citizen_a.phone = "06 11 22 33 44"
    citizen_a.save()
    client = verified(client, agent_1.user)
    url = reverse("channels:contact_new")

    for query in ["16/03/1984", "0611223344", "durand"]:
        page = client.get(url, {"q": query}).content.decode()
        assert citizen_a.full_name in page, query
        assert citizen_b.full_name not in page, query


def test_an_agent_records_a_person_met_at_the_counter_and_what_was_typed_stays(
    client, agent_1, organisation
):
    client = verified(client, agent_1.user)
    url = reverse("channels:contact_new")

    missing = client.post(url, {"given_name": "Jeanne", "family_name": "Roux"})
    assert missing.status_code == HTTPStatus.BAD_REQUEST
    assert "Indiquez au moins un moyen" in missing.content.decode()
    assert 'value="Jeanne"' in missing.content.decode()

    created = client.post(
        url,
        {
            "given_name": "Jeanne",
            "family_name": "Roux",
            "birth_date": "02/05/1950",
            "phone": "02 38 00 00 00",
        },
    )
    person = Person.objects.get(family_name="Roux")
    assert created["Location"] == reverse("channels:person_contact", args=[person.pk])
    assert (person.organisation, person.user, str(person.birth_date)) == (
        organisation,
        None,
        "1950-05-02",
    )


def test_an_agent_records_a_phone_call_on_a_case_which_joins_its_history(
    client, agent_1, citizen_a, submitted_case, unit_1
):
    client = verified(client, agent_1.user)

    response = client.post(
        reverse("channels:person_contact", args=[citizen_a.pk]),
        {
            "channel": ContactChannel.PHONE,
            "direction": "inbound",
            "unit": unit_1.pk,
            "subject": "Question sur l'état du dossier",
            "outcome": "Expliqué les délais.",
            "case": submitted_case.pk,
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    record = ContactRecord.objects.get()
    assert (record.channel, record.agent, record.case) == ("phone", agent_1, submitted_case)
    note = submitted_case.events.get(kind=EventKind.NOTE)
    assert "Question sur l'état du dossier" in note.reason
    assert note.visible_to_citizen is False
    timeline = client.get(reverse("backoffice:person", args=[citizen_a.pk])).content.decode()
    assert "Question sur l&#x27;état du dossier" in timeline


def test_a_letter_is_registered_with_its_scan_which_joins_the_case_documents(
    client, agent_1, citizen_a, submitted_case, unit_1
):
    client = verified(client, agent_1.user)
    url = reverse("channels:person_contact", args=[citizen_a.pk])
    data = {
        "channel": ContactChannel.POST,
        "direction": "inbound",
        "unit": unit_1.pk,
        "subject": "Justificatif de domicile",
        "case": submitted_case.pk,
    }

    without_scan = client.post(url, data)
    not_a_pdf = client.post(url, {**data, "scan": SimpleUploadedFile("lettre.png", PNG)})
    done = client.post(url, {**data, "scan": SimpleUploadedFile("lettre.pdf", PDF)})

    assert without_scan.status_code == HTTPStatus.BAD_REQUEST
    assert "Joignez le courrier numérisé" in without_scan.content.decode()
    assert not_a_pdf.status_code == HTTPStatus.BAD_REQUEST
    assert "PDF" in not_a_pdf.content.decode()
    assert done.status_code == HTTPStatus.FOUND
    record = ContactRecord.objects.get()
    assert record.document.case == submitted_case
    assert record.scan_content_type == "application/pdf"
    scan = client.get(reverse("channels:contact_scan", args=[record.pk]))
    assert scan.content == PDF


def test_another_units_agent_cannot_link_a_call_to_a_case_they_do_not_handle(
    client, agent_2, citizen_a, submitted_case, unit_2
):
    client = verified(client, agent_2.user)

    response = client.post(
        reverse("channels:person_contact", args=[citizen_a.pk]),
        {
            "channel": ContactChannel.PHONE,
            "direction": "inbound",
            "unit": unit_2.pk,
            "subject": "Appel",
            "case": submitted_case.pk,
        },
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not ContactRecord.objects.exists()


def test_a_person_of_another_administration_is_not_found(client, agent_1):
    stranger = PersonFactory()
    client = verified(client, agent_1.user)

    for name in ["channels:person_contact", "channels:assisted_start"]:
        assert client.get(reverse(name, args=[stranger.pk])).status_code == HTTPStatus.NOT_FOUND


def test_an_agent_files_a_request_at_the_counter_in_accompanied_mode_with_the_same_receipt(
    client, agent_1, procedure, no_receipt_pdf, organisation
):
    person = PersonFactory(organisation=organisation, user=None, email="", phone="06 00 00 00 01")
    client = verified(client, agent_1.user)

    started = client.post(
        reverse("channels:assisted_start", args=[person.pk]),
        {"procedure": procedure.pk, "channel": CaseChannel.COUNTER, "accompanied": "on"},
    )
    case = person.cases.get()
    assert started["Location"] == reverse("channels:assisted_fill", args=[case.pk])
    incomplete = client.post(
        reverse("channels:assisted_fill", args=[case.pk]), {"action": "submit", "subject": ""}
    )
    assert incomplete.status_code == HTTPStatus.BAD_REQUEST
    sent = client.post(
        reverse("channels:assisted_fill", args=[case.pk]),
        {"action": "submit", "subject": "Inscription de Léa", "details": "CE2"},
    )

    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert sent["Location"] == reverse("channels:assisted_done", args=[case.reference])
    assert (case.channel, case.created_by) == (CaseChannel.COUNTER, agent_1.user)
    assisted = AssistedSubmission.objects.get(case=case)
    assert (assisted.agent, assisted.accompanied) == (agent_1, True)
    done = client.get(sent["Location"]).content.decode()
    assert "imprimez l'accusé de réception" in done
    pdf = client.get(reverse("channels:assisted_receipt_pdf", args=[case.reference]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_agent_takes_a_line_out_of_a_group_and_the_answers_are_kept(
    client, agent_1, unit_1, organisation
):
    procedure = ProcedureFactory(
        handling_unit=unit_1,
        version={
            "fields": [
                {"name": "town", "label": "Commune", "type": "text"},
                {
                    "name": "children",
                    "label": "Enfants",
                    "type": "group",
                    "fields": [{"name": "name", "label": "Prénom", "type": "text"}],
                },
            ]
        },
    )
    person = PersonFactory(organisation=organisation, user=None, email="", phone="06 00 00 00 02")
    client = verified(client, agent_1.user)
    client.post(
        reverse("channels:assisted_start", args=[person.pk]),
        {"procedure": procedure.pk, "channel": CaseChannel.PHONE},
    )
    case = person.cases.get()
    fill = reverse("channels:assisted_fill", args=[case.pk])

    response = client.post(
        fill,
        {
            "town": "Bellerive",
            "children-0-name": "Léa",
            "children-1-name": "Tom",
            "children-2-name": "Zoé",
            "action": "remove_row:children:0",
        },
    )

    assert response["Location"] == fill
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT
    assert case.form_data["children"] == [{"name": "Tom"}, {"name": "Zoé"}]
    assert case.form_data["town"] == "Bellerive"
    page = client.get(fill).content.decode()
    assert 'value="remove_row:children:1"' in page
    assert 'value="remove_row:children:2"' not in page
    assert 'value="Léa"' not in page


def test_accompanied_mode_is_only_at_the_counter(client, agent_1, procedure, citizen_a):
    client = verified(client, agent_1.user)

    response = client.post(
        reverse("channels:assisted_start", args=[citizen_a.pk]),
        {"procedure": procedure.pk, "channel": CaseChannel.PHONE, "accompanied": "on"},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "au guichet" in response.content.decode()
    assert not citizen_a.cases.exists()


def test_a_request_filed_by_phone_sends_the_receipt_by_email_and_only_its_agent_fills_it(
    client,
    agent_1,
    agent_2,
    procedure,
    citizen_a,
    no_receipt_pdf,
    django_capture_on_commit_callbacks,
):
    client = verified(client, agent_1.user)
    client.post(
        reverse("channels:assisted_start", args=[citizen_a.pk]),
        {"procedure": procedure.pk, "channel": CaseChannel.PHONE},
    )
    case = citizen_a.cases.get()

    other = verified(client, agent_2.user).get(reverse("channels:assisted_fill", args=[case.pk]))
    assert other.status_code == HTTPStatus.NOT_FOUND

    with django_capture_on_commit_callbacks(execute=True):
        verified(client, agent_1.user).post(
            reverse("channels:assisted_fill", args=[case.pk]),
            {"action": "submit", "subject": "Inscription", "details": ""},
        )
    case.refresh_from_db()
    assert case.channel == CaseChannel.PHONE
    assert mail.outbox[-1].to == [citizen_a.email]
    assert case.reference in mail.outbox[-1].subject + mail.outbox[-1].body


def test_recording_an_exchange_and_reading_a_letter_are_in_the_persons_access_journal(
    client, agent_1, citizen_a, unit_1
):
    from parcours.privacy.models import AccessLogEntry

    client = verified(client, agent_1.user)
    client.post(
        reverse("channels:person_contact", args=[citizen_a.pk]),
        {
            "channel": ContactChannel.POST,
            "direction": "inbound",
            "unit": unit_1.pk,
            "subject": "Courrier",
            "scan": SimpleUploadedFile("lettre.pdf", PDF),
        },
    )
    record = ContactRecord.objects.get()
    client.get(reverse("channels:contact_scan", args=[record.pk]))

    entries = AccessLogEntry.objects.filter(person_id=citizen_a.pk).order_by("pk")
    assert [(e.action, e.actor_id) for e in entries] == [
        ("change", agent_1.user.pk),
        ("download", agent_1.user.pk),
    ]


def test_an_unknown_sender_is_recorded_from_the_email_and_the_agent_comes_back_to_it(
    client, agent_1, unknown_email
):
    client = verified(client, agent_1.user)
    url = (
        reverse("channels:contact_new")
        + f"?nom=Zoé+Martin&courriel=zoe%40example.net&retour={unknown_email.pk}"
    )

    page = client.get(url).content.decode()
    created = client.post(
        url, {"given_name": "Zoé", "family_name": "Martin", "email": "zoe@example.net"}
    )

    assert 'value="zoe@example.net"' in page
    assert 'value="Martin"' in page
    assert created["Location"] == reverse("channels:inbound", args=[unknown_email.pk])
    detail = client.get(created["Location"]).content.decode()
    assert "Zoé Martin" in detail
    assert 'name="person"' in detail
