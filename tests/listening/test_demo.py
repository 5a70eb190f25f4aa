"""The demo's listening data: what a new user sees after ``make run``."""

from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from parcours.demo.story import VILLE
from parcours.listening.enums import ExperienceStatus, IdeaStatus
from parcours.listening.models import (
    AgentFeedback,
    Complaint,
    Experience,
    FeedbackResponse,
    Idea,
)

pytestmark = pytest.mark.sqlite


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_the_demo_has_every_kind_of_listening(demo, db):
    assert FeedbackResponse.objects.count() >= 200
    published = Experience.objects.published()
    assert published.filter(replied_at__isnull=False).count() >= 5
    assert published.filter(replied_at__isnull=True).exists()
    assert Experience.objects.filter(status=ExperienceStatus.HELD).count() == 1
    assert Complaint.objects.filter(escalated_at__isnull=False).count() == 1
    assert Complaint.objects.filter(response__gt="").count() == 1
    assert AgentFeedback.objects.count() >= 4
    assert set(Idea.objects.values_list("status", flat=True)) == set(IdeaStatus.values)
    declined = Idea.objects.get(status=IdeaStatus.DECLINED)
    assert declined.status_reason


def test_no_published_demo_text_names_a_person(demo, db):
    for experience in Experience.objects.published():
        for name in ("Martin", "Lambert", "06 12 34 56 78", "alice.durand@"):
            assert name not in experience.public_body


def test_the_demo_public_pages_show(demo, db, client):
    page = client.get(reverse("portal:experiences_of", args=[VILLE.slug]))
    assert page.status_code == HTTPStatus.OK
    assert "Une heure d&#x27;attente au guichet" in page.content.decode()
    page = client.get(reverse("portal:you_said_we_did", args=[VILLE.slug]))
    assert "Renouveler la carte résident" in page.content.decode()
