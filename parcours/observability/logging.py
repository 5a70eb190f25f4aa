"""Logs: one line per event, as JSON in production (LOG_FORMAT=json) for a log
collector, as text on a developer's terminal; each line with the request id."""

import logging

from .context import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


def logging_config(*, level: str = "INFO", fmt: str = "text") -> dict:
    formatters = {
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "parcours.observability.logging.RequestIdFilter"}},
        "formatters": {"main": formatters["json" if fmt == "json" else "text"]},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": "main",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # One line per request comes from parcours.request; Django's own repeats it
            # for errors only.
            "django.server": {"level": "WARNING"},
        },
    }
