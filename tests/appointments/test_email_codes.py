"""Booking without an account: a six-digit code by email, a quarter of an hour, five
tries, a few codes an hour; only its hash is kept."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import override_settings

from parcours.appointments import services
from parcours.appointments.errors import AppointmentError
from parcours.appointments.models import EmailCode

from .conftest import at

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """``send(email)``: the code record, and the code as read in the email sent."""

    def send(email="eve@example.org", client="192.0.2.1"):
        with django_capture_on_commit_callbacks(execute=True):
            record = services.email_code_send(email=email, client=client)
        return record, re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)

    return send


def test_the_code_is_sent_by_email_and_only_its_hash_is_kept(send):
    record, code = send(email="Eve@Example.org")

    message = mail.outbox[-1]
    assert message.to == ["eve@example.org"]
    assert message.subject == f"Votre code pour prendre rendez-vous : {code}"
    assert "Il est valable 15 minutes." in message.body
    assert code not in record.code_hash
    assert record.expires_at == at("2026-05-04", "08:15")


def test_the_right_code_proves_the_address_once(send):
    record, code = send()

    verified = services.email_code_verify(code_id=record.pk, email="eve@example.org", code=code)

    assert verified.verified_at is not None
    with pytest.raises(AppointmentError, match="n'est plus valable"):
        services.email_code_verify(code_id=record.pk, email="eve@example.org", code=code)


def test_a_wrong_code_is_refused_and_five_wrong_codes_end_it(send):
    record, code = send()
    wrong = "000000" if code != "000000" else "111111"

    for _attempt in range(5):
        with pytest.raises(AppointmentError, match="Ce code ne correspond pas"):
            services.email_code_verify(code_id=record.pk, email="eve@example.org", code=wrong)

    with pytest.raises(AppointmentError, match="Trop d'essais"):
        services.email_code_verify(code_id=record.pk, email="eve@example.org", code=code)


def test_a_code_for_another_address_or_too_old_is_refused(time_machine, send):
    record, code = send()

    with pytest.raises(AppointmentError):
        services.email_code_verify(code_id=record.pk, email="mallory@example.org", code=code)
    time_machine.move_to(at("2026-05-04", "08:16"), tick=False)
    with pytest.raises(AppointmentError, match="n'est plus valable"):
        services.email_code_verify(code_id=record.pk, email="eve@example.org", code=code)


@override_settings(PARCOURS_MAGIC_LINK_MAX_PER_HOUR=2)
def test_codes_are_limited_per_address_and_per_client():
    services.email_code_send(email="eve@example.org", client="192.0.2.1")
    services.email_code_send(email="eve@example.org", client="192.0.2.2")

    with pytest.raises(services.TooManyCodes):
        services.email_code_send(email="eve@example.org", client="192.0.2.3")
    services.email_code_send(email="zoe@example.org", client="192.0.2.9")
    services.email_code_send(email="yan@example.org", client="192.0.2.9")
    with pytest.raises(services.TooManyCodes):
        services.email_code_send(email="xavier@example.org", client="192.0.2.9")
    assert EmailCode.objects.count() == 4


def test_an_invalid_address_gets_no_code():
    with pytest.raises(AppointmentError) as refused:
        services.email_code_send(email="pas-une-adresse", client="192.0.2.1")

    assert refused.value.field == "email"
    assert not EmailCode.objects.exists()
