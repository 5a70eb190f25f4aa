"""Call-back requests, the contact hub, and the header link on every page."""

import datetime
import html
import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.contacts import services
from parcours.contacts.enums import CallbackStatus, HalfDay
from parcours.contacts.errors import ContactError
from parcours.contacts.models import CallbackRequest
from parcours.organisations.enums import Weekday
from parcours.organisations.models import OpeningHours
from tests.factories import date

pytestmark = pytest.mark.sqlite

THURSDAY_30_APRIL = datetime.datetime(2026, 4, 30, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def on_thursday_30_april(time_machine):
    time_machine.move_to(THURSDAY_30_APRIL, tick=False)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def callback_data(unit, **overrides) -> dict:
    return {
        "unit": unit.pk,
        "phone": "06 12 34 56 78",
        "day": "2026-05-04",
        "half_day": HalfDay.MORNING,
        "topic": "Une question sur l'inscription.",
        **overrides,
    }


def test_a_call_back_is_recorded_and_confirmed_with_its_slot_and_unit(client, citizen_a, unit_1):
    client.force_login(citizen_a.user)

    response = client.post(reverse("portal:callback"), callback_data(unit_1))

    assert response.status_code == HTTPStatus.FOUND
    callback = CallbackRequest.objects.get()
    assert callback.person == citizen_a
    assert callback.unit == unit_1
    assert callback.organisation == unit_1.organisation
    assert callback.day == date("2026-05-04")
    assert callback.half_day == HalfDay.MORNING
    assert callback.status == CallbackStatus.PENDING
    page = text_of(client.get(response["Location"]))
    assert "Service Éducation vous appellera le lundi 4 mai 2026, le matin, au 06 12 34 56 78." in (
        " ".join(page.split())
    )


def test_the_call_back_form_prefills_the_persons_phone(client, citizen_a, unit_1):
    client.force_login(citizen_a.user)

    page = text_of(client.get(reverse("portal:callback")))

    assert 'value="06 12 34 56 78"' in page
    assert "Service Éducation (Ville de Bellerive)" in page


@pytest.mark.parametrize(
    ("day", "error"),
    [
        ("2026-05-03", "Le service ne rappelle pas le samedi ni le dimanche"),  # a Sunday
        ("2026-05-02", "Le service ne rappelle pas le samedi ni le dimanche"),  # a Saturday
        ("2026-05-08", "Le 8 mai 2026 est un jour férié : choisissez un autre jour."),
        ("2026-04-29", "Choisissez un jour à venir, à partir de demain."),  # yesterday
        ("2026-04-30", "Choisissez un jour à venir, à partir de demain."),  # today
        ("2026-12-01", "Choisissez un jour dans les trois prochains mois."),
    ],
)
def test_a_call_back_on_a_closed_or_past_day_is_refused_in_french(
    client, citizen_a, unit_1, day, error
):
    client.force_login(citizen_a.user)

    response = client.post(reverse("portal:callback"), callback_data(unit_1, day=day))

    assert response.status_code == HTTPStatus.OK
    assert error in text_of(response)
    assert "Une question sur l'inscription." in text_of(response)
    assert not CallbackRequest.objects.exists()


def test_the_holiday_calendar_is_the_units_own(unit_1):
    good_friday = date("2026-04-03")  # a public holiday in Alsace-Moselle only
    services.check_callback_day(unit=unit_1, day=good_friday, today=date("2026-03-02"))
    unit_1.holiday_subdivision = "57"

    with pytest.raises(ContactError, match="jour férié"):
        services.check_callback_day(unit=unit_1, day=good_friday, today=date("2026-03-02"))


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("phone", "", "Indiquez le numéro auquel vous rappeler."),
        ("phone", "appelez-moi", "Ce numéro n'est pas valide"),
        ("half_day", "", "Choisissez le matin ou l'après-midi."),
        ("topic", "", "Dites-nous en quelques mots pourquoi vous souhaitez être rappelé."),
        ("day", "demain", "Écrivez la date sous la forme jj/mm/aaaa"),
    ],
)
def test_a_call_back_form_with_errors_says_how_to_fix_them(
    client, citizen_a, unit_1, field, value, error
):
    client.force_login(citizen_a.user)

    response = client.post(reverse("portal:callback"), callback_data(unit_1, **{field: value}))

    assert response.status_code == HTTPStatus.OK
    assert error in text_of(response)
    assert not CallbackRequest.objects.exists()


def test_nobody_asks_a_call_back_for_someone_else(citizen_a, citizen_b, unit_1):
    with pytest.raises(ContactError):
        services.callback_request(
            person=citizen_a,
            unit=unit_1,
            by=citizen_b.user,
            phone="06 12 34 56 78",
            day=date("2026-05-04"),
            half_day=HalfDay.MORNING,
            topic="Bonjour",
        )


@pytest.mark.parametrize("intruder", ["citizen_b", "agent_1", "agent_2"])
def test_another_persons_call_back_confirmation_is_not_found(
    client, request, citizen_a, unit_1, intruder
):
    callback = services.callback_request(
        person=citizen_a,
        unit=unit_1,
        by=citizen_a.user,
        phone="06 12 34 56 78",
        day=date("2026-05-04"),
        half_day=HalfDay.AFTERNOON,
        topic="Bonjour",
    )
    client.force_login(request.getfixturevalue(intruder).user)

    response = client.get(reverse("portal:callback_confirmation", args=[callback.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_hub_offers_a_signed_in_person_to_write_be_called_back_or_book(
    client, citizen_a, submitted
):
    client.force_login(citizen_a.user)

    page = text_of(client.get(reverse("portal:contact")))

    assert "Écrire au service" in page
    assert reverse("portal:case_messages", args=[submitted.reference]) in page
    assert reverse("portal:write") in page
    assert reverse("portal:callback") in page
    assert "Prendre rendez-vous" in page
    assert reverse("portal:appointments") in page
    assert "Connectez-vous pour écrire ou être rappelé" not in page


def test_the_hub_shows_anonymous_visitors_phones_emails_and_hours(client, unit_1):
    OpeningHours.objects.create(
        unit=unit_1, weekday=Weekday.MONDAY, opens_at="09:00", closes_at="12:00"
    )

    page = text_of(client.get(reverse("portal:contact")))

    assert unit_1.phone in page
    assert unit_1.email in page
    assert "Lundi : de 09:00 à 12:00" in page
    assert "Connectez-vous pour écrire ou être rappelé" in page
    assert reverse("portal:callback") not in page


@pytest.mark.parametrize("theme", ["neutral", "dsfr"])
def test_the_header_links_to_a_person_on_every_page_in_both_themes(
    client, settings, citizen_a, submitted, theme
):
    settings.PARCOURS_THEME = theme
    contact = reverse("portal:contact")
    pages = [
        reverse("portal:home"),
        reverse("portal:contact"),
        reverse("portal:accessibility"),
        reverse("login"),
        reverse("portal:cases"),
        reverse("portal:case", args=[submitted.reference]),
        reverse("portal:case_messages", args=[submitted.reference]),
        reverse("portal:write"),
        reverse("portal:callback"),
    ]
    client.force_login(citizen_a.user)

    for url in pages:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        header = re.search(r"<header.*?</header>", response.content.decode(), re.S).group()
        assert f'href="{contact}"' in header, url
        assert "Parler à une personne" in header, url
