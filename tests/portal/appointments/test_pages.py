"""The citizen's pages: choose, book (signed in, or with a code sent by email), then
manage the appointment from its signed link; errors keep what was typed."""

import html
import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from parcours.appointments import links, services
from parcours.appointments.enums import AppointmentStatus, WaitingStatus
from parcours.appointments.models import Appointment, WaitingListEntry
from parcours.appointments.slots import slot_value
from tests.appointments.conftest import at, details
from tests.factories import PersonFactory, ProcedureFactory

pytestmark = pytest.mark.sqlite

TUESDAY_9 = at("2026-05-05", "09:00")
TUESDAY_930 = at("2026-05-05", "09:30")


def text_of(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def book_url(appointment_type, starts_at=TUESDAY_9) -> str:
    return (
        reverse("portal:appointment_book", kwargs={"pk": appointment_type.pk})
        + f"?slot={slot_value(starts_at)}"
    )


def form_data(starts_at=TUESDAY_9, **overrides) -> dict:
    return {
        "slot": slot_value(starts_at),
        "reason": "Inscrire ma fille en CP.",
        "email": "alice@example.org",
        "remind_by_email": "on",
        **overrides,
    }


def booked_for(person, appointment_type, starts_at=TUESDAY_9):
    return services.appointment_book(
        appointment_type=appointment_type,
        starts_at=starts_at,
        person=person,
        by=person.user,
        **details(email=person.email),
    )


def manage_url(appointment) -> str:
    return reverse("portal:appointment_manage", kwargs={"token": links.manage_token(appointment)})


# ---------------------------------------------------------------------------
# Choosing


def test_the_start_page_lists_the_procedures_one_can_book_for(client, counter):
    unpublished = ProcedureFactory(handling_unit=counter.unit, is_published=False)
    counter.__class__.objects.create(
        unit=counter.unit, procedure=unpublished, mode="counter", name="Caché"
    )

    page = text_of(client.get(reverse("portal:appointments")))

    assert "Inscription scolaire" in page
    assert unpublished.title not in page


def test_a_procedures_page_offers_its_appointment_types_with_the_next_free_slot(client, counter):
    response = client.get(reverse("portal:appointment_types", args=[counter.procedure.slug]))

    page = text_of(response)
    assert response.status_code == HTTPStatus.OK
    assert "Déposer le dossier d'inscription" in page
    assert "Prochain créneau libre : mardi 5 mai." in page
    assert reverse("portal:appointment_slots", args=[counter.pk]) in page


def test_a_procedure_without_online_appointments_says_whom_to_call(client, procedure):
    page = text_of(client.get(reverse("portal:appointment_types", args=[procedure.slug])))

    assert "Cette démarche ne se prépare pas sur rendez-vous en ligne." in page
    assert "02 38 00 00 01" in page


def test_the_slots_page_shows_a_week_of_free_slots_and_hides_taken_ones(client, counter, citizen_b):
    booked_for(citizen_b, counter)

    response = client.get(reverse("portal:appointment_slots", args=[counter.pk]))

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert f'value="{slot_value(TUESDAY_930)}"' in page
    assert f'value="{slot_value(TUESDAY_9)}"' not in page
    assert "Vendredi 8 mai" in text_of(response)  # a public holiday: no slot that day
    assert "?du=2026-05-12" in page  # the next week


def test_a_week_without_free_slots_points_to_the_next_one(client, counter):
    counter.capacity = 0 + 1
    counter.save()
    response = client.get(reverse("portal:appointment_slots", args=[counter.pk]) + "?du=2026-05-09")

    page = text_of(response)
    assert "Aucun créneau libre ce jour-là." in page  # the weekend


def test_an_inactive_type_has_no_slots_page(client, counter):
    counter.is_active = False
    counter.save()

    response = client.get(reverse("portal:appointment_slots", args=[counter.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_booking_page_without_a_slot_sends_back_to_the_slots(client, counter):
    response = client.get(reverse("portal:appointment_book", args=[counter.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("portal:appointment_slots", args=[counter.pk])


# ---------------------------------------------------------------------------
# Booking, signed in


def test_a_signed_in_person_books_and_lands_on_their_appointment(
    client, counter, citizen_a, django_capture_on_commit_callbacks
):
    client.force_login(citizen_a.user)
    form = text_of(client.get(book_url(counter)))
    assert 'value="alice@example.org"' in form
    assert "Votre prénom" not in form

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(book_url(counter), form_data(needs=["sign_language"]))

    appointment = Appointment.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == manage_url(appointment)
    assert appointment.person == citizen_a
    assert appointment.needs == ["sign_language"]
    page = text_of(client.get(response["Location"]))
    assert "Votre rendez-vous est confirmé : mardi 5 mai 2026 à 09:00." in page
    assert "Un interprète en langue des signes française (LSF)" in page
    assert mail.outbox[0].to == ["alice@example.org"]


def test_a_signed_in_person_links_the_appointment_to_their_case(
    client, counter, citizen_a, submitted
):
    client.force_login(citizen_a.user)

    assert submitted.reference in text_of(client.get(book_url(counter)))
    client.post(book_url(counter), form_data(case=submitted.reference))

    assert Appointment.objects.get().case == submitted


def test_a_missing_reason_is_said_politely_and_what_was_typed_is_kept(client, counter, citizen_a):
    client.force_login(citizen_a.user)

    response = client.post(
        book_url(counter), form_data(reason="", accessibility_note="Je viens en fauteuil.")
    )

    page = text_of(response)
    assert response.status_code == HTTPStatus.OK
    assert "Dites-nous en quelques mots l'objet de votre rendez-vous." in page
    assert "Je viens en fauteuil." in page
    assert page.startswith("<!DOCTYPE html>") or "<title> Erreur :" in page
    assert not Appointment.objects.exists()


def test_a_slot_taken_meanwhile_is_said_and_the_other_hours_of_the_day_are_offered(
    client, counter, citizen_a, citizen_b
):
    client.force_login(citizen_a.user)
    booked_for(citizen_b, counter)

    response = client.post(book_url(counter), form_data(reason="Une raison bien à moi."))

    page = text_of(response)
    assert "Ce créneau vient d'être réservé par quelqu'un d'autre." in page
    assert "Une raison bien à moi." in page
    assert f'value="{slot_value(TUESDAY_930)}"' in response.content.decode()
    assert Appointment.objects.count() == 1


def test_the_hoarding_limit_is_explained_on_the_form(client, counter, citizen_a):
    client.force_login(citizen_a.user)
    booked_for(citizen_a, counter)

    response = client.post(book_url(counter, TUESDAY_930), form_data(TUESDAY_930))

    assert "Vous avez déjà un rendez-vous à venir pour cette démarche" in text_of(response)
    assert Appointment.objects.count() == 1


# ---------------------------------------------------------------------------
# Booking without an account


def sent_code() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def test_without_an_account_a_code_proves_the_address_before_booking(
    client, counter, django_capture_on_commit_callbacks
):
    data = form_data(given_name="Eve", family_name="Martin", email="Eve@Example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(book_url(counter), data)
    assert response["Location"] == reverse("portal:appointment_verify")
    assert not Appointment.objects.exists()
    assert mail.outbox[-1].to == ["eve@example.org"]
    code = sent_code()

    wrong = client.post(
        reverse("portal:appointment_verify"), {"code": "000000" if code != "000000" else "111111"}
    )
    assert "Ce code ne correspond pas." in text_of(wrong)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:appointment_verify"), {"code": code})

    appointment = Appointment.objects.get()
    assert response["Location"] == manage_url(appointment)
    assert appointment.person.user is None
    assert appointment.person.full_name == "Eve Martin"
    assert appointment.email == "eve@example.org"
    assert mail.outbox[-1].subject.startswith("Votre rendez-vous est confirmé")


def test_the_code_page_keeps_what_was_typed_when_the_slot_went_meanwhile(
    client, counter, citizen_b, django_capture_on_commit_callbacks
):
    data = form_data(given_name="Eve", family_name="Martin", email="eve@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(book_url(counter), data)
    booked_for(citizen_b, counter)

    response = client.post(reverse("portal:appointment_verify"), {"code": sent_code()})

    page = text_of(response)
    assert "Ce créneau vient d'être réservé par quelqu'un d'autre." in page
    assert 'value="Martin"' in page
    assert "Inscrire ma fille en CP." in page


def test_the_code_page_without_a_pending_booking_sends_back_to_the_start(client):
    response = client.get(reverse("portal:appointment_verify"))

    assert response["Location"] == reverse("portal:appointments")


# ---------------------------------------------------------------------------
# Managing from the link


def test_the_link_shows_the_appointment_and_a_tampered_link_shows_nothing(
    client, counter, citizen_a
):
    appointment = booked_for(citizen_a, counter)

    response = client.get(manage_url(appointment))
    page = text_of(response)
    tampered = client.get(manage_url(appointment)[:-3] + "xx/")

    assert "mardi 5 mai 2026 à 09:00" in page
    assert "Inscrire ma fille en CP." in page
    assert "Apportez un justificatif de domicile." in page
    assert tampered.status_code == HTTPStatus.NOT_FOUND
    assert "no-store" in response["Cache-Control"]  # personal data: never kept by a proxy


def test_the_calendar_file_downloads(client, counter, citizen_a):
    appointment = booked_for(citizen_a, counter)

    response = client.get(
        reverse("portal:appointment_ics", kwargs={"token": links.manage_token(appointment)})
    )

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="rendez-vous-2026-05-05-09h00.ics"'
    )
    assert b"BEGIN:VEVENT" in response.content


def test_the_person_cancels_from_the_link_without_signing_in(client, counter, citizen_a):
    appointment = booked_for(citizen_a, counter)
    token = links.manage_token(appointment)

    assert "Garder mon rendez-vous" in text_of(
        client.get(reverse("portal:appointment_cancel", kwargs={"token": token}))
    )
    response = client.post(
        reverse("portal:appointment_cancel", kwargs={"token": token}), {"reason": "Empêchée"}
    )

    appointment.refresh_from_db()
    assert response["Location"] == manage_url(appointment)
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancel_reason == "Empêchée"
    assert "Vous avez annulé ce rendez-vous." in text_of(client.get(response["Location"]))


def test_the_person_moves_from_the_link(client, counter, citizen_a):
    appointment = booked_for(citizen_a, counter)
    url = reverse("portal:appointment_move", kwargs={"token": links.manage_token(appointment)})

    assert f'value="{slot_value(TUESDAY_930)}"' in client.get(url).content.decode()
    empty = client.post(url, {})
    response = client.post(url, {"slot": slot_value(TUESDAY_930)})

    assert "Choisissez le nouveau créneau." in text_of(empty)
    appointment.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert appointment.starts_at == TUESDAY_930


def test_close_to_the_appointment_the_page_says_to_call_and_offers_no_change(
    client, counter, citizen_a, time_machine
):
    appointment = booked_for(citizen_a, counter)
    time_machine.move_to(at("2026-05-05", "07:30"), tick=False)
    token = links.manage_token(appointment)

    page = text_of(client.get(manage_url(appointment)))
    cancel = client.get(reverse("portal:appointment_cancel", kwargs={"token": token}))

    assert "Votre rendez-vous est proche : pour le déplacer ou l'annuler, appelez" in page
    assert "Annuler le rendez-vous" not in page
    assert cancel["Location"] == manage_url(appointment)


def test_my_appointments_needs_signing_in_and_shows_only_mine(
    client, counter, citizen_a, citizen_b
):
    mine = booked_for(citizen_a, counter)
    booked_for(citizen_b, counter, TUESDAY_930)
    url = reverse("portal:appointments_mine")

    assert client.get(url).status_code == HTTPStatus.FOUND
    client.force_login(citizen_a.user)
    response = client.get(url)

    page = response.content.decode()
    assert links.manage_path(mine) in page
    assert "09:30" not in text_of(response)


# ---------------------------------------------------------------------------
# Waiting list


def test_a_signed_in_person_joins_the_waiting_list_then_leaves_it(client, counter, citizen_a):
    client.force_login(citizen_a.user)
    url = reverse("portal:appointment_waiting_join", args=[counter.pk])

    bad = client.post(url, {"reason": "", "email": "alice@example.org", "latest_on": "32/13/2026"})
    response = client.post(
        url, {"reason": "Inscription", "email": "alice@example.org", "latest_on": "29/05/2026"}
    )

    assert "Écrivez la date au format jour/mois/année" in text_of(bad)
    entry = WaitingListEntry.objects.get()
    assert response["Location"] == reverse(
        "portal:appointment_waiting", kwargs={"token": links.waiting_token(entry)}
    )
    assert entry.latest_on.isoformat() == "2026-05-29"
    client.post(response["Location"])
    entry.refresh_from_db()
    assert entry.status == WaitingStatus.LEFT


def test_an_offer_is_taken_in_one_click_from_its_link(
    client, counter, citizen_a, citizen_b, django_capture_on_commit_callbacks
):
    taken = booked_for(citizen_b, counter)
    entry = services.waiting_list_join(
        appointment_type=counter, person=citizen_a, by=citizen_a.user, **details()
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=taken, by=citizen_b.user)
    entry.refresh_from_db()
    url = reverse("portal:appointment_offer", kwargs={"token": links.offer_token(entry)})
    assert url.split("/rendez-vous/")[1] in mail.outbox[-1].body

    page = text_of(client.get(url))
    response = client.post(url, {"action": "accept"})

    assert "Le mardi 5 mai 2026 à 09:00 : ce créneau vous est réservé jusqu'au" in page
    appointment = Appointment.objects.get(person=citizen_a)
    assert appointment.starts_at == TUESDAY_9
    assert response["Location"] == manage_url(appointment)
    assert "Cette proposition n'est plus valable" in text_of(client.get(url))


def test_another_persons_appointment_is_not_in_my_list(client, counter, citizen_b):
    other = PersonFactory(organisation=counter.organisation)
    booked_for(other, counter)
    client.force_login(citizen_b.user)

    response = client.get(reverse("portal:appointments_mine"))

    assert "Vous n'avez aucun rendez-vous à venir." in text_of(response)


# ---------------------------------------------------------------------------
# Reaching the booking


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed_in"])
def test_the_contact_hub_offers_to_book_an_appointment(client, citizen_a, signed_in):
    if signed_in:
        client.force_login(citizen_a.user)

    response = client.get(reverse("portal:contact"))

    assert f'href="{reverse("portal:appointments")}"' in response.content.decode()
    assert "par téléphone pour l'instant" not in text_of(response)


def test_a_procedure_page_links_to_its_appointments(client, counter):
    response = client.get(reverse("portal:procedure", args=[counter.procedure.slug]))

    assert reverse("portal:appointment_types", args=[counter.procedure.slug]) in (
        response.content.decode()
    )
    assert "prenez rendez-vous par téléphone" not in text_of(response)
