"""The failures of GeoReport v2, in its own error format: a list of
``{"code", "description"}`` (``<errors><error>…`` in XML). The HTTP status is 404 for
what does not exist, 403 for a missing or wrong ``api_key``, 400 for anything else."""

from http import HTTPStatus


class Open311Error(Exception):
    def __init__(self, status: HTTPStatus, *descriptions: str, headers: dict | None = None):
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.errors = [{"code": int(status), "description": str(text)} for text in descriptions]
        self.headers = headers or {}


def bad_request(*descriptions: str) -> Open311Error:
    return Open311Error(HTTPStatus.BAD_REQUEST, *descriptions)


def not_found(description: str) -> Open311Error:
    return Open311Error(HTTPStatus.NOT_FOUND, description)


def forbidden(description: str) -> Open311Error:
    return Open311Error(HTTPStatus.FORBIDDEN, description)
