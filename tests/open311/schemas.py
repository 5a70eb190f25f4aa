"""JSON Schemas of GeoReport v2's responses, for checking ours.

Written from the open311 organisation's published schemas
(https://github.com/open311/schema-validation, ``schema/georeport-v2/*.json``:
service.json, services.json, service-definition.json, request.json, requests.json),
which are followed where the specification's examples differ from them (identifiers
and keys are strings, not numbers; optional fields may be null). That repository
states no licence for these files, so they are not copied here: the constraints are
restated, with two additions of the specification's text that the schemas leave out:
the error list, and the response of POST requests and of tokens.
"""

NULLABLE_STRING = {"anyOf": [{"type": "string"}, {"type": "null"}]}
NULLABLE_DATETIME = {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}
NULLABLE_NUMBER = {"anyOf": [{"type": "number"}, {"type": "null"}]}

SERVICE = {
    "type": "object",
    "required": ["service_code", "service_name", "metadata", "type"],
    "properties": {
        "service_code": {"type": "string"},
        "service_name": {"type": "string"},
        "description": NULLABLE_STRING,
        "metadata": {"type": "boolean"},
        "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
        "keywords": NULLABLE_STRING,
        "group": NULLABLE_STRING,
    },
}
SERVICES = {"type": "array", "items": SERVICE}

SERVICE_DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {
        "service_code": {"type": "string"},
        "attributes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["variable", "code", "datatype", "required"],
                "properties": {
                    "variable": {"type": "boolean"},
                    "code": {"type": "string"},
                    "datatype": {
                        "type": "string",
                        "enum": [
                            "string",
                            "number",
                            "datetime",
                            "text",
                            "singlevaluelist",
                            "multivaluelist",
                        ],
                    },
                    "required": {"type": "boolean"},
                    "datatype_description": NULLABLE_STRING,
                    "order": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                    "description": NULLABLE_STRING,
                    "values": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "name"],
                            "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
                        },
                    },
                },
            },
        },
    },
}

REQUEST = {
    "type": "object",
    "required": ["service_request_id", "status", "service_code", "requested_datetime"],
    "properties": {
        "service_request_id": {"type": "string"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "status_notes": NULLABLE_STRING,
        "service_name": NULLABLE_STRING,
        "service_code": {"type": "string"},
        "description": {"anyOf": [{"type": "string", "maxLength": 4000}, {"type": "null"}]},
        "agency_responsible": NULLABLE_STRING,
        "service_notice": NULLABLE_STRING,
        "requested_datetime": {"type": "string", "format": "date-time"},
        "updated_datetime": NULLABLE_DATETIME,
        "expected_datetime": NULLABLE_DATETIME,
        "address": NULLABLE_STRING,
        "address_id": NULLABLE_STRING,
        "zipcode": NULLABLE_STRING,
        "lat": NULLABLE_NUMBER,
        "long": NULLABLE_NUMBER,
        "media_url": {"anyOf": [{"type": "string", "format": "uri"}, {"type": "null"}]},
    },
}
REQUESTS = {"type": "array", "items": REQUEST}

# POST requests (spec: service_request_id, or a token, never both).
CREATED = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["service_request_id"],
        "not": {"required": ["token"]},
        "properties": {
            "service_request_id": {"type": "string"},
            "service_notice": NULLABLE_STRING,
            "account_id": NULLABLE_STRING,
        },
    },
}
TOKENS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["service_request_id", "token"],
        "properties": {"service_request_id": {"type": "string"}, "token": {"type": "string"}},
    },
}
ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "additionalProperties": False,
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}


def check(schema: dict, instance) -> None:
    """Fail with every violation of ``schema`` (formats such as date-time checked)."""
    import jsonschema_rs

    validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    problems = [error.message for error in validator.iter_errors(instance)]
    assert not problems, problems
