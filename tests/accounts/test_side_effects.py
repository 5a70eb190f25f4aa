"""The sign-in link email goes through the outbox; the row never holds a usable link."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from parcours.accounts.services import magic_link_request
from parcours.outbox.enums import OutboxStatus
from parcours.outbox.models import OutboxMessage
from parcours.outbox.services import deliver_due
from tests.outbox.support import rolled_back

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def ask(email="eve@example.org"):
    magic_link_request(email=email, client="192.0.2.1", base_url="http://testserver")


def test_the_link_is_made_when_the_email_leaves_and_never_stored(client):
    ask()

    row = OutboxMessage.objects.get()
    assert row.idempotency_key.startswith(f"magic-link:{row.arguments['user_id']}:")
    assert "/compte/lien/" not in str(row.arguments)
    assert deliver_due() == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    link = re.search(r"http://testserver(/compte/lien/\S+)", mail.outbox[-1].body).group(1)
    assert link not in str(row.arguments)
    client.post(link)  # the link works: it signs in
    assert client.session.get("_auth_user_id") == str(row.arguments["user_id"])


def test_a_request_that_rolls_back_sends_nothing():
    rolled_back(ask)

    assert not OutboxMessage.objects.exists()
    assert deliver_due() == 0


def test_each_request_is_one_email_even_if_the_relay_passes_twice():
    ask()
    ask()

    assert OutboxMessage.objects.count() == 2
    assert deliver_due() == 2
    assert deliver_due() == 0
    assert len(mail.outbox) == 2


def test_a_link_asked_for_longer_ago_than_its_lifetime_is_not_sent(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    ask()
    time_machine.shift(16 * 60)

    assert deliver_due() == 1

    assert OutboxMessage.objects.get().status == OutboxStatus.SKIPPED
    assert mail.outbox == []
