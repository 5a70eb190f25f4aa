"""The register of processing activities, generated from the procedures."""

from http import HTTPStatus

from django.urls import reverse


def test_the_administrator_reads_the_register_and_downloads_it(as_agent, org_admin, procedure):
    procedure.retention_months = 36
    procedure.retention_basis = "Délibération du 3 mars 2026."
    procedure.save()
    client = as_agent(org_admin)
    page = client.get(reverse("backoffice:processing_register"))
    assert page.status_code == HTTPStatus.OK
    text = page.content.decode()
    assert "Inscription scolaire" in text
    assert "Dossiers clos : 36 mois" in text
    csv = client.get(reverse("backoffice:processing_register"), {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "Délibération du 3 mars 2026." in csv.content.decode()


def test_an_agent_or_a_manager_is_refused(as_agent, agent_1, manager):
    for agent in (agent_1, manager):
        response = as_agent(agent).get(reverse("backoffice:processing_register"))
        assert response.status_code == HTTPStatus.FORBIDDEN
