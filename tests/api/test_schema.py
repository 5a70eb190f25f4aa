"""The API describes itself: OpenAPI schema and docs, served without a CDN."""

from http import HTTPStatus

import pytest

pytestmark = pytest.mark.sqlite


def test_the_openapi_schema_lists_every_operation_with_the_error_shape(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == HTTPStatus.OK
    schema = response.json()
    assert set(schema["paths"]) == {
        "/api/v1/queue",
        "/api/v1/queue/claim",
        "/api/v1/cases/{reference}",
        "/api/v1/cases/{reference}/messages",
        "/api/v1/cases/{reference}/transitions",
        "/api/v1/appointments/availability",
        "/api/v1/appointments",
        "/api/v1/appointments/{appointment_id}",
        "/api/v1/appointments/{appointment_id}/cancel",
        "/api/v1/procedures",
        "/api/v1/procedures/{slug}",
        "/api/v1/cases",
        "/api/v1/cases/{reference}/contacts",
        "/api/v1/contacts",
    }
    claim = schema["paths"]["/api/v1/queue/claim"]["post"]
    assert {"200", "204", "401", "403", "404", "422", "429"} <= set(claim["responses"])
    assert "ErrorOut" in schema["components"]["schemas"]
    cases = schema["paths"]["/api/v1/cases"]["get"]
    assert {"200", "401", "403", "404", "422", "429"} <= set(cases["responses"])
    assert {"page", "page_size", "state", "updated_since", "submitted_from"} <= {
        parameter["name"] for parameter in cases["parameters"]
    }
    contact = schema["paths"]["/api/v1/contacts"]["post"]
    assert {"201", "400", "401", "403", "404", "422", "429"} <= set(contact["responses"])
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_docs_page_loads_its_scripts_from_the_site_not_a_cdn(client, db):
    response = client.get("/api/v1/docs")

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_the_catalogue_asks_for_no_token(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    for path in ("/api/v1/procedures", "/api/v1/procedures/{slug}"):
        operation = schema["paths"][path]["get"]
        assert not operation.get("security")
        assert "401" not in operation["responses"]
    assert schema["paths"]["/api/v1/cases"]["get"]["security"] == [{"TokenAuth": []}]
