"""The demo's channels: emails received (some waiting in the triage queue, a reply
threaded on a case, an out-of-office reply set aside), calls, a counter visit and a
letter recorded by agents, a request filed at the counter in accompanied mode, a
call-back taken on the phone with a first attempt, and a duplicate record of Alice to
merge. Everything goes through the same services as real use."""

import datetime
import email.message
import email.policy
import email.utils
from random import Random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from parcours.cases import services as case_services
from parcours.cases.enums import CaseChannel, CaseState
from parcours.cases.models import Case
from parcours.catalog.models import Procedure
from parcours.channels import addresses, callbacks, inbound, services
from parcours.channels.enums import ContactChannel, ContactDirection
from parcours.contacts.enums import CallbackOutcome, HalfDay
from parcours.contacts.services import open_half_days
from parcours.lib.working_days import is_public_holiday
from parcours.organisations.models import Agent, Unit
from parcours.people.models import Person

from .answers import ANSWERS, AnswerContext
from .story import ALICE, BRUNO, VILLE

# Marcel Girard, recorded at the counter, and Alice's duplicate record.
PEOPLE_ADDED = 2
CLAIRE = f"claire.martin@{VILLE.agent_domain}"
KARIM = f"karim.benali@{VILLE.agent_domain}"
# A one-page PDF, small and valid: the scanned letter.
LETTER_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _mail(*, sender: str, to: str, subject: str, body: str, headers: dict | None = None) -> bytes:
    message = email.message.EmailMessage(policy=email.policy.SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = email.utils.make_msgid(domain="example.test")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


def _receive(sender_address: str, recipient: str, content: bytes):
    return inbound.receive(envelope_from=sender_address, recipients=[recipient], content=content)


def _next_open(unit: Unit, start: datetime.date) -> tuple[datetime.date, str]:
    day = start
    for _ in range(30):
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and not is_public_holiday(day, unit.holiday_subdivision):
            halves = open_half_days(unit, day)
            if halves:
                return day, sorted(halves)[0]
    return start + datetime.timedelta(days=1), HalfDay.MORNING


def seed_channels(seed: int = 2026) -> int:
    """Load the channels' demo; the number of things recorded."""
    rng = Random(seed)
    claire = Agent.objects.select_related("user", "organisation").get(user__email=CLAIRE)
    karim = Agent.objects.select_related("user").get(user__email=KARIM)
    organisation = claire.organisation
    education = Unit.objects.get(organisation=organisation, email=f"education@{VILLE.agent_domain}")
    citizenship = Unit.objects.get(
        organisation=organisation, email=f"citoyennete@{VILLE.agent_domain}"
    )
    alice = Person.objects.get(organisation=organisation, user__email=ALICE.email)
    bruno = Person.objects.get(organisation=organisation, user__email=BRUNO.email)
    alice_school = (
        Case.objects.filter(
            person=alice,
            unit=education,
            state__in=[CaseState.SUBMITTED, CaseState.IN_REVIEW, CaseState.AWAITING_CITIZEN],
        )
        .order_by("-submitted_at")
        .first()
        or Case.objects.filter(person=alice, unit=education).exclude(state=CaseState.DRAFT).first()
    )
    done = 0

    # Emails received: the daemon is not running in the demo, the same service files them.
    with override_settings(
        PARCOURS_INBOUND_DOMAINS=[VILLE.agent_domain],
        PARCOURS_INBOUND_REPLY_DOMAIN=f"reponses.{VILLE.agent_domain}",
    ):
        triage = [
            (
                "Zoé Marchand <zoe.marchand@example.test>",
                education.email,
                "Inscription à la cantine en cours d'année",
                "Bonjour,\n\nNous venons d'emménager à Bellerive. Mon fils Hugo entre en CE1 "
                "lundi : comment l'inscrire à la cantine dès la semaine prochaine ?\n\n"
                "Merci,\nZoé Marchand",
            ),
            (
                "Pierre Lambert <p.lambert@example.test>",
                citizenship.email,
                "Carte d'électeur perdue",
                "Bonjour, j'ai perdu ma carte d'électeur. Dois-je en redemander une avant "
                "les élections ? Pierre Lambert, 9 rue du Moulin.",
            ),
        ]
        for sender, recipient, subject, body in triage:
            address = email.utils.parseaddr(sender)[1]
            _receive(
                address, recipient, _mail(sender=sender, to=recipient, subject=subject, body=body)
            )
            done += 1
        if alice_school is not None:
            reply_to = addresses.reply_address(alice_school)
            # Alice answers the case's email: the reply joins its thread.
            _receive(
                alice.email,
                reply_to,
                _mail(
                    sender=f"Alice Durand <{alice.email}>",
                    to=reply_to,
                    subject=f"Re: Votre dossier {alice_school.reference}",
                    body="Bonjour, je vous confirme que Jules prendra bien le car scolaire.\n"
                    "Bonne journée\n\nLe lundi, Mairie a écrit :\n> Votre dossier avance.",
                ),
            )
            # Her partner answers from his own address: it waits in triage, the case suggested.
            _receive(
                "marc.durand@example.test",
                reply_to,
                _mail(
                    sender="Marc Durand <marc.durand@example.test>",
                    to=reply_to,
                    subject=f"Re: Votre dossier {alice_school.reference}",
                    body="Bonjour, c'est le père de Jules : il sera absent le jour de la rentrée.",
                ),
            )
            # Bruno's out-of-office answering: set aside, never acknowledged.
            _receive(
                bruno.email,
                education.email,
                _mail(
                    sender=bruno.email,
                    to=education.email,
                    subject="Réponse automatique : absent du bureau",
                    body="Je suis absent jusqu'au 3 décembre.",
                    headers={"Auto-Submitted": "auto-replied"},
                ),
            )
            done += 3

    # Calls, a visit and a letter recorded by agents.
    now = timezone.now()
    services.contact_record(
        by=claire.user,
        person=alice,
        unit=education,
        channel=ContactChannel.PHONE,
        occurred_at=now - datetime.timedelta(days=2, hours=3),
        subject="Question sur le car scolaire",
        outcome="Expliqué les horaires du ramassage ; elle confirmera par courriel.",
        case=alice_school,
    )
    services.contact_record(
        by=karim.user,
        person=bruno,
        unit=citizenship,
        channel=ContactChannel.COUNTER,
        occurred_at=now - datetime.timedelta(days=1, hours=1),
        subject="Venu demander une attestation d'inscription sur les listes",
        outcome="Attestation imprimée et remise en main propre.",
    )
    services.contact_record(
        by=claire.user,
        person=alice,
        unit=education,
        channel=ContactChannel.POST,
        direction=ContactDirection.INBOUND,
        occurred_at=now - datetime.timedelta(days=1),
        subject="Justificatif de domicile envoyé par courrier",
        case=alice_school if alice_school and alice_school.is_open else None,
        scan=SimpleUploadedFile("courrier-justificatif.pdf", LETTER_PDF),
    )
    done += 3

    # A request filed at the counter, the person present (accompanied mode), with no
    # email address: the receipt is printed.
    marcel = services.person_record(
        organisation=organisation,
        by=karim.user,
        given_name="Marcel",
        family_name="Girard",
        birth_date=datetime.date(1946, 2, 11),
        phone="02 38 55 12 90",
        street="5 place de l'Église",
        postcode="45510",
        city="Bellerive-sur-Loire",
    )
    procedure = Procedure.objects.filter(
        organisation=organisation, code="ELE", is_published=True
    ).first()
    if procedure is not None:
        draft = services.assisted_start(
            by=karim.user,
            person=marcel,
            procedure=procedure,
            channel=CaseChannel.COUNTER,
            accompanied=True,
        )
        answers = ANSWERS[procedure.code](
            rng,
            AnswerContext(
                given_name=marcel.given_name,
                family_name=marcel.family_name,
                phone=marcel.phone,
                birth_place="Gien (Loiret)",
                received_on=timezone.localdate(),
                birth_date=marcel.birth_date,
                street=marcel.street,
                postcode=marcel.postcode,
                city=marcel.city,
            ),
        )
        case_services.case_update_draft(case=draft, by=karim.user, form_data=answers)
        case_services.case_submit(case=draft, by=karim.user)
        done += 1

    # A call-back taken on the phone for Bruno, a first attempt without answer.
    day, half = _next_open(citizenship, timezone.localdate())
    callback = callbacks.callback_request_for(
        by=karim.user,
        person=bruno,
        unit=citizenship,
        phone=bruno.phone or "06 39 98 56 78",
        day=day,
        half_day=half,
        topic="Rappeler pour la procuration de vote : pièces à apporter.",
    )
    callbacks.callback_record_outcome(
        by=karim.user, callback=callback, outcome=CallbackOutcome.NO_ANSWER, note="Messagerie."
    )
    done += 1

    # Alice recorded a second time at the counter: same phone, same names and birth date.
    Person.objects.create(
        organisation=organisation,
        given_name="Alice",
        family_name="DURAND",
        birth_date=alice.birth_date,
        phone=alice.phone,
        street=alice.street,
        postcode=alice.postcode,
        city=alice.city,
        preferred_channel="phone",
    )
    return done + 1
