"""Administrators declare closures in the admin: the appointments in them are cancelled
and the people told, as by the service itself; appointment types are set there."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from parcours.appointments import services
from parcours.appointments.enums import AppointmentStatus, CancelledBy
from parcours.appointments.models import AppointmentType, Closure
from tests.factories import UserFactory

from .conftest import at, details

pytestmark = pytest.mark.sqlite


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def closure_data(unit, **overrides) -> dict:
    return {
        "unit": unit.pk,
        "starts_at_0": "05/05/2026",
        "starts_at_1": "00:00",
        "ends_at_0": "06/05/2026",
        "ends_at_1": "00:00",
        "reason": "inventaire",
        **overrides,
    }


def test_a_closure_declared_in_the_admin_cancels_the_appointments_in_it(
    client, superuser, counter, citizen_a, unit_1, django_capture_on_commit_callbacks
):
    appointment = services.appointment_book(
        appointment_type=counter,
        starts_at=at("2026-05-05", "09:00"),
        person=citizen_a,
        by=citizen_a.user,
        **details(),
    )
    client.force_login(superuser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:appointments_closure_add"), closure_data(unit_1), follow=True
        )

    assert response.status_code == HTTPStatus.OK
    assert (
        "1 rendez-vous annulé ; la personne est prévenue par courriel." in response.content.decode()
    )
    closure = Closure.objects.get()
    assert closure.created_by == superuser
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancelled_by == CancelledBy.CLOSURE


def test_a_closure_that_ends_before_it_starts_is_refused(client, superuser, unit_1):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:appointments_closure_add"),
        closure_data(unit_1, ends_at_0="04/05/2026"),
    )

    assert response.status_code == HTTPStatus.OK
    assert "La fin de la fermeture doit suivre son début." in response.content.decode()
    assert not Closure.objects.exists()


def test_a_staff_member_who_manages_no_unit_cannot_declare_a_closure(client, unit_1):
    staff = UserFactory(is_staff=True, is_superuser=False)
    from django.contrib.auth.models import Permission

    staff.user_permissions.set(Permission.objects.filter(codename="add_closure"))
    client.force_login(staff)

    response = client.post(reverse("admin:appointments_closure_add"), closure_data(unit_1))

    assert "Seuls les responsables du service peuvent déclarer une fermeture." in (
        response.content.decode()
    )
    assert not Closure.objects.exists()


def test_reminder_times_are_checked_when_a_type_is_saved(counter):
    from django.core.exceptions import ValidationError

    counter.reminder_hours = [48, "deux"]
    with pytest.raises(ValidationError) as refused:
        counter.full_clean()

    assert "reminder_hours" in refused.value.message_dict
    counter.reminder_hours = [2, 48, 2]
    counter.full_clean()
    assert counter.reminder_hours == [48, 2]
    assert AppointmentType.objects.count() == 1
