"""Helpers for the Content Security Policy (django-csp, docs/security.md)."""

import base64
import hashlib
import re
from pathlib import Path

STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def inline_style_hashes(template: Path) -> list[str]:
    """The CSP sources (``'sha256-…'``) that allow the ``<style>`` blocks of a template
    that is rendered without a request, hence without a nonce: the server error page,
    which must not depend on anything else, static files included, to show."""
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"
        for css in STYLE.findall(template.read_text(encoding="utf-8"))
    ]
