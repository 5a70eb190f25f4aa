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
    }
    claim = schema["paths"]["/api/v1/queue/claim"]["post"]
    assert {"200", "204", "401", "403", "404", "422", "429"} <= set(claim["responses"])
    assert "ErrorOut" in schema["components"]["schemas"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_docs_page_loads_its_scripts_from_the_site_not_a_cdn(client, db):
    response = client.get("/api/v1/docs")

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
