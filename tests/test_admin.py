"""The admin, where administrators keep the reference data, opens for each model;
cases stay read-only there, and nobody without staff rights gets in."""

from http import HTTPStatus

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory

MODELS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label not in {"django_tasks_db", "dsfr"}
)


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.parametrize(("app_label", "model_name"), MODELS)
def test_every_reference_data_list_opens_for_an_administrator(
    client, superuser, app_label, model_name, draft
):
    client.force_login(superuser)

    response = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))

    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("model_name", ["case", "decision", "receipt"])
def test_cases_cannot_be_added_or_changed_in_the_admin(client, superuser, model_name):
    client.force_login(superuser)

    response = client.get(reverse(f"admin:cases_{model_name}_add"))

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_a_citizen_is_refused_the_admin(client, citizen_a):
    client.force_login(citizen_a.user)

    response = client.get(reverse("admin:cases_case_changelist"))

    assert response.status_code == HTTPStatus.FOUND
    assert "/admin/login/" in response["Location"]
