"""The id of the request (or task) being handled, for the logs of everything it causes."""

import contextvars
import re
import uuid
from contextlib import contextmanager

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# What we accept from a client or a proxy: short and printable, nothing to inject in logs.
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def current_request_id() -> str:
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def clean_request_id(value: str | None) -> str:
    """The id given by the client or the proxy if it is safe, else a new one."""
    if value and _VALID.match(value):
        return value
    return new_request_id()


@contextmanager
def request_id_context(value: str | None):
    token = _request_id.set(value or "")
    try:
        yield
    finally:
        _request_id.reset(token)
