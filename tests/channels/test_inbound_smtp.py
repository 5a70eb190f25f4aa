"""Real emails, sent with smtplib to the SMTP daemon listening on a free port, land
on the right case, person or triage queue; bad ones are refused with an SMTP error or
set aside, never lost silently."""

import email
import email.message
import email.policy
import smtplib

import pytest
from django.core import mail

from parcours.channels import addresses, smtp
from parcours.channels.enums import InboundStatus
from parcours.channels.models import InboundEmail
from parcours.contacts.enums import MessageDirection
from parcours.contacts.models import Message
from tests.factories import PersonFactory

from .conftest import free_port

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def daemon(inbound_settings):
    controller = smtp.controller(host="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


def send(daemon, message, *, sender=None, recipients=None):
    with smtplib.SMTP(daemon.hostname, daemon.port, timeout=10) as client:
        return client.send_message(message, from_addr=sender, to_addrs=recipients)


def new_mail(*, sender, to, subject="Mon dossier", body="Bonjour", headers=None):
    message = email.message.EmailMessage(policy=email.policy.SMTP)
    if sender:
        message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = "<abc123@mail.example.org>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message


def test_a_reply_to_the_case_address_joins_the_case_thread_without_the_quoted_text(
    daemon, submitted_case, citizen_a
):
    address = addresses.reply_address(submitted_case)
    reply = new_mail(
        sender=f"Alice Durand <{citizen_a.email}>",
        to=address,
        subject=f"Re: Votre dossier {submitted_case.reference}",
        body=(
            "Voici le justificatif demandé.\nBien à vous\n\n"
            "Le lun. 2 mars 2026 à 10:00, Mairie <ne-pas-repondre@parcours.invalid> a écrit :\n"
            "> Nous avons bien reçu votre demande.\n"
        ),
    )
    reply.add_attachment(PDF, maintype="application", subtype="pdf", filename="justificatif.pdf")

    send(daemon, reply)

    inbound = InboundEmail.objects.get()
    assert inbound.status == InboundStatus.THREADED
    assert inbound.case == submitted_case
    message = Message.objects.get(case=submitted_case)
    assert message.direction == MessageDirection.FROM_CITIZEN
    assert message.person == citizen_a
    assert message.body == "Voici le justificatif demandé.\nBien à vous"
    assert message.answer_due_on is not None
    document = submitted_case.documents.get()
    assert (document.original_name, document.content_type) == (
        "justificatif.pdf",
        "application/pdf",
    )
    raw = email.message_from_bytes(inbound.raw.read(), policy=email.policy.default)
    assert "> Nous avons bien reçu" in raw.get_body().get_content()  # kept whole
    acknowledgement = mail.outbox[-1]
    assert acknowledgement.to == [citizen_a.email]
    assert acknowledgement.extra_headers["Auto-Submitted"] == "auto-replied"
    assert submitted_case.reference in acknowledgement.body


def test_the_case_emails_carry_the_case_reply_address_which_leads_back_to_the_case(
    inbound_settings, submitted_case
):
    receipt_email = mail.outbox[0]

    assert receipt_email.reply_to == [addresses.reply_address(submitted_case)]
    assert addresses.case_pk_from_address(receipt_email.reply_to[0]) == submitted_case.pk
    assert addresses.reply_address(submitted_case).startswith("case+")


def test_an_email_from_a_known_address_to_a_unit_lands_on_that_person(
    daemon, unit_address, citizen_a, unit_1
):
    send(daemon, new_mail(sender=citizen_a.email, to=unit_address, subject="Cantine"))

    inbound = InboundEmail.objects.get()
    assert (inbound.status, inbound.person) == (InboundStatus.ON_PERSON, citizen_a)
    message = inbound.message
    assert (message.case, message.unit, message.person) == (None, unit_1, citizen_a)
    assert message.body.startswith("Objet : Cantine")


def test_an_unknown_sender_goes_to_the_units_triage_queue_and_is_acknowledged(
    daemon, unit_address, unit_1
):
    send(daemon, new_mail(sender="Zoé Inconnue <zoe@example.net>", to=unit_address))

    inbound = InboundEmail.objects.get()
    assert (inbound.status, inbound.unit, inbound.person) == (InboundStatus.TRIAGE, unit_1, None)
    assert (inbound.from_address, inbound.from_name) == ("zoe@example.net", "Zoé Inconnue")
    assert not Message.objects.exists()
    assert [m.to for m in mail.outbox] == [["zoe@example.net"]]


def test_a_second_email_the_same_day_gets_no_second_acknowledgement(daemon, unit_address):
    send(daemon, new_mail(sender="zoe@example.net", to=unit_address))
    send(daemon, new_mail(sender="zoe@example.net", to=unit_address, subject="Encore"))

    assert InboundEmail.objects.count() == 2
    assert len(mail.outbox) == 1


def test_a_reply_to_a_case_address_from_another_address_waits_in_triage(daemon, submitted_case):
    mail.outbox.clear()
    send(
        daemon, new_mail(sender="quelquun@example.net", to=addresses.reply_address(submitted_case))
    )

    inbound = InboundEmail.objects.get()
    assert inbound.status == InboundStatus.TRIAGE
    assert inbound.suggested_case == submitted_case
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    "recipient",
    [
        "inconnu@bellerive.example.org",
        "quelquun@ailleurs.example.com",
        "case+1-00000000000000000000@reponses.bellerive.example.org",
    ],
    ids=["unknown mailbox", "not our domain", "forged case token"],
)
def test_an_address_that_is_not_ours_is_refused_with_550(daemon, recipient):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(daemon, new_mail(sender="zoe@example.net", to=recipient))

    assert refused.value.recipients[recipient][0] == 550
    assert not InboundEmail.objects.exists()


def test_an_oversized_message_is_refused_with_552_when_announced(daemon, unit_address):
    big = new_mail(sender="zoe@example.net", to=unit_address)
    big.add_attachment(b"x" * (3 * 1024 * 1024), maintype="application", subtype="octet-stream")

    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        send(daemon, big)

    assert refused.value.smtp_code == 552
    assert not InboundEmail.objects.exists()


def test_an_oversized_message_is_refused_with_552_when_not_announced(daemon, unit_address):
    big = new_mail(sender="zoe@example.net", to=unit_address)
    big.add_attachment(b"x" * (3 * 1024 * 1024), maintype="application", subtype="octet-stream")

    with smtplib.SMTP(daemon.hostname, daemon.port, timeout=10) as client:
        client.helo("client.example.net")  # plain SMTP: no SIZE announced
        client.mail("zoe@example.net")
        client.rcpt(unit_address)
        code, _ = client.data(big.as_bytes())

    assert code == 552
    assert not InboundEmail.objects.exists()


def test_an_attachment_over_the_upload_limit_is_not_a_document_and_is_reported(
    daemon, submitted_case, citizen_a
):
    reply = new_mail(sender=citizen_a.email, to=addresses.reply_address(submitted_case))
    reply.add_attachment(
        PDF + b"0" * (600 * 1024), maintype="application", subtype="pdf", filename="gros.pdf"
    )
    reply.add_attachment(
        b"MZ\x90\x00", maintype="application", subtype="octet-stream", filename="x.exe"
    )

    send(daemon, reply)

    inbound = InboundEmail.objects.get()
    assert inbound.status == InboundStatus.THREADED
    assert not submitted_case.documents.exists()
    assert any("gros.pdf" in problem and "dépasse" in problem for problem in inbound.problems)
    assert any("x.exe" in problem for problem in inbound.problems)


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "auto-generated"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "auto_reply"},
        {"X-Autoreply": "yes"},
        {"X-Auto-Response-Suppress": "All"},
    ],
    ids=lambda headers: next(iter(headers.items()))[0] + ": " + next(iter(headers.values())),
)
def test_automatic_replies_are_kept_aside_never_threaded_nor_acknowledged(
    daemon, submitted_case, citizen_a, headers
):
    mail.outbox.clear()
    out_of_office = new_mail(
        sender=citizen_a.email,
        to=addresses.reply_address(submitted_case),
        subject="Absent du bureau",
        headers=headers,
    )

    send(daemon, out_of_office)

    inbound = InboundEmail.objects.get()
    assert inbound.status == InboundStatus.AUTOMATIC
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_a_bounce_with_a_null_sender_is_kept_aside_and_never_answered(daemon, unit_address):
    report = email.message.EmailMessage(policy=email.policy.SMTP)
    report["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example.net>"
    report["To"] = unit_address
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report.set_content("This is the mail system at host mx.example.net.")
    report.add_attachment(
        "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; x@example.net\n"
        "Action: failed\nStatus: 5.1.1\n",
        subtype="plain",
    )
    report.replace_header("Content-Type", report["Content-Type"].replace("mixed", "report"))

    send(daemon, report, sender="")

    inbound = InboundEmail.objects.get()
    assert inbound.status == InboundStatus.AUTOMATIC
    assert mail.outbox == []


def test_a_message_without_any_sender_is_refused_with_550(daemon, unit_address):
    anonymous = new_mail(sender=None, to=unit_address)

    with smtplib.SMTP(daemon.hostname, daemon.port, timeout=10) as client:
        client.ehlo("client.example.net")
        client.mail("")
        client.rcpt(unit_address)
        code, answer = client.data(anonymous.as_bytes())

    assert code == 550
    assert b"No sender" in answer
    assert not InboundEmail.objects.exists()


def test_a_malformed_mime_message_is_kept_and_goes_to_triage_with_a_warning(daemon, unit_address):
    broken = (
        b"From: zoe@example.net\r\nTo: " + unit_address.encode() + b"\r\n"
        b"Subject: =?utf-8?q?cass=C3=A9?=\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="XYZ"\r\n\r\n'
        b"--XYZ\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour, voici ma demande.\r\n"
        b"--XYZ\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"@@@not base64@@@\r\n"  # and no closing boundary
    )

    with smtplib.SMTP(daemon.hostname, daemon.port, timeout=10) as client:
        client.sendmail("zoe@example.net", [unit_address], broken)

    inbound = InboundEmail.objects.get()
    assert inbound.status == InboundStatus.TRIAGE
    assert inbound.subject == "cassé"
    assert inbound.body == "Bonjour, voici ma demande."
    assert any("mal formé" in problem for problem in inbound.problems)
    assert inbound.raw.read() == broken


def test_a_reply_from_a_known_person_with_the_same_address_twice_waits_in_triage(
    daemon, unit_address, organisation, citizen_a
):
    PersonFactory(organisation=organisation, user=None, email=citizen_a.email)

    send(daemon, new_mail(sender=citizen_a.email, to=unit_address))

    inbound = InboundEmail.objects.get()
    assert inbound.status == InboundStatus.TRIAGE
    assert any("Plusieurs fiches" in problem for problem in inbound.problems)
