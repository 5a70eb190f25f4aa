"""The admin, where administrators keep the reference data, opens for each model;
cases stay read-only there, and nobody without staff rights gets in."""

from http import HTTPStatus

import pytest
from django.contrib import admin
from django.urls import reverse

from parcours.cases import services
from parcours.cases.decision_letters import store_decision_letter_pdf
from parcours.cases.tasks import render_receipt_pdf
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


@pytest.mark.parametrize("model_name", ["case", "decision", "receipt", "marginuse"])
def test_cases_cannot_be_added_or_changed_in_the_admin(client, superuser, model_name):
    client.force_login(superuser)

    response = client.get(reverse(f"admin:cases_{model_name}_add"))

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_a_citizen_is_refused_the_admin(client, citizen_a):
    client.force_login(citizen_a.user)

    response = client.get(reverse("admin:cases_case_changelist"))

    assert response.status_code == HTTPStatus.FOUND
    assert "/admin/login/" in response["Location"]


def test_a_decision_and_a_receipt_with_their_stored_pdfs_open_in_the_admin(
    client, superuser, draft, citizen_a, agent_1
):
    """Their PDFs are private files, without a URL: the admin must not try to link them."""
    case = services.case_submit(case=draft, by=citizen_a.user)
    case = services.case_reject(case=case, by=agent_1.user, reasons="Hors délai.")
    decision = case.decisions.get()
    store_decision_letter_pdf(decision.pk)
    render_receipt_pdf.call(receipt_id=case.receipt.pk)
    client.force_login(superuser)

    for url in [
        reverse("admin:cases_decision_change", args=[decision.pk]),
        reverse("admin:cases_receipt_change", args=[case.receipt.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
