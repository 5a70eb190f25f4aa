"""One shape for every failure of the API:

    {"errors": [{"field": "due_on", "code": "invalid", "message": "…"}]}

``field`` names the input at fault (``null`` when no single input is), ``code`` is a
stable English word for scripts, ``message`` is written for people, in French unless
the request asks for English (``Accept-Language: en``).
"""

from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Schema


class ErrorItem(Schema):
    field: str | None
    code: str
    message: str


class ErrorOut(Schema):
    errors: list[ErrorItem]


class ApiError(Exception):
    """A failure to answer with the error shape."""

    def __init__(
        self,
        status: HTTPStatus,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.items = [{"field": field, "code": code, "message": message}]
        self.headers = headers or {}


def error_response(
    status: HTTPStatus, items: list[dict], *, headers: dict | None = None
) -> HttpResponse:
    response = JsonResponse(
        {"errors": items}, status=status, json_dumps_params={"ensure_ascii": False}
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def not_found(field: str | None = None) -> ApiError:
    return ApiError(
        HTTPStatus.NOT_FOUND,
        "not_found",
        _("Nous ne trouvons pas cet élément, ou vous n'y avez pas accès."),
        field=field,
    )


# Pydantic's error types, told in plain words (its own messages are in English only).
def validation_message(error: dict) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("Ce champ est obligatoire.")
    if kind == "extra_forbidden":
        return _("Ce champ n'est pas attendu ici.")
    if kind in ("string_type", "string_unicode"):
        return _("Indiquez un texte.")
    if kind == "string_too_long":
        return _("Ce texte ne doit pas dépasser %(limit)s caractères.") % {
            "limit": context.get("max_length")
        }
    if kind == "string_pattern_mismatch":
        return _("Ce texte contient des caractères qui ne sont pas admis ici.")
    if kind == "string_too_short":
        return _("Ce texte ne doit pas être vide.")
    if kind.startswith("date_") or kind.startswith("datetime_"):
        return _("Indiquez une date au format AAAA-MM-JJ, par exemple 2026-12-31.")
    if kind.startswith("int_"):
        return _("Indiquez un nombre entier.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Indiquez un nombre d'au moins %(limit)s.") % {
            "limit": context.get("ge", context.get("gt"))
        }
    if kind in ("less_than_equal", "less_than"):
        return _("Indiquez un nombre d'au plus %(limit)s.") % {
            "limit": context.get("le", context.get("lt"))
        }
    if kind.startswith("bool_"):
        return _("Indiquez true ou false.")
    if kind in ("literal_error", "enum"):
        return _("Choisissez l'une de ces valeurs : %(values)s.") % {
            "values": context.get("expected", "")
        }
    if kind in ("json_invalid", "model_attributes_type", "dict_type", "model_type"):
        return _("Envoyez un objet JSON valide.")
    return _("Cette valeur n'est pas valide.")


def validation_field(location) -> str | None:
    """``["body", "payload", "due_on"]`` → ``"due_on"``; nested names joined by dots."""
    parts = [str(part) for part in location[1:] if part not in ("payload", "filters")]
    return ".".join(parts) or None


def validation_errors(errors: list[dict]) -> HttpResponse:
    items = [
        {
            "field": validation_field(error.get("loc", ())),
            "code": "invalid" if error.get("type") != "missing" else "required",
            "message": validation_message(error),
        }
        for error in errors
    ]
    return error_response(HTTPStatus.UNPROCESSABLE_ENTITY, items)


def handle_api_error(request: HttpRequest, error: ApiError) -> HttpResponse:
    return error_response(error.status, error.items, headers=error.headers)
