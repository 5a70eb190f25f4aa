"""The procedure catalogue: search and browse the published procedures, read one."""

import unicodedata
from urllib.parse import urlencode

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from parcours.catalog.enums import Theme
from parcours.catalog.models import Commitment, Procedure

QUERY_MAX_LENGTH = 200


def normalise(text: str) -> str:
    """Lower case without accents, so « ecole » finds « École » on any database."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def matches(procedure: Procedure, words: list[str]) -> bool:
    haystack = normalise(f"{procedure.title} {procedure.summary} {procedure.description}")
    return all(word in haystack for word in words)


def procedures(request):
    """Search by words and browse by theme. The catalogue is small (tens of procedures),
    so the words are matched in Python: the same accent-blind result on every database."""
    query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    theme = request.GET.get("theme", "")
    if theme not in Theme.values:
        theme = ""
    found = (
        Procedure.objects.published()
        .select_related("organisation", "handling_unit")
        .order_by("title", "pk")
    )
    if theme:
        found = found.filter(theme=theme)
    words = normalise(query).split()
    results = [p for p in found if matches(p, words)] if words else list(found)
    return render(
        request,
        "portal/catalogue/procedures.html",
        {
            "query": query,
            "theme": theme,
            "theme_label": Theme(theme).label if theme else "",
            "theme_links": theme_links(query=query, current=theme),
            "results": results,
        },
    )


def theme_links(*, query: str, current: str) -> list[dict]:
    """One link per theme (and one for all), keeping the words searched for."""
    base = reverse("portal:procedures")
    links = []
    for value, label in [("", _("Tous les thèmes")), *Theme.choices]:
        params = {key: val for key, val in (("q", query), ("theme", value)) if val}
        links.append(
            {
                "label": label,
                "url": f"{base}?{urlencode(params)}" if params else base,
                "is_current": value == current,
            }
        )
    return links


def procedure(request, slug):
    procedure = get_object_or_404(
        Procedure.objects.published().select_related("organisation", "handling_unit"), slug=slug
    )
    unit = procedure.handling_unit
    version = procedure.current_version
    commitments = Commitment.objects.filter(organisation_id=procedure.organisation_id).filter(
        Q(procedure=procedure) | Q(procedure__isnull=True)
    )
    return render(
        request,
        "portal/catalogue/procedure.html",
        {
            "procedure": procedure,
            "documents": documents_of(version.required_documents if version else []),
            "commitments": commitments,
            "unit": unit,
            "opening_hours": unit.opening_hours.all(),
            "apply_url": apply_url(procedure) if version else None,
        },
    )


def documents_of(required_documents: list) -> list[dict]:
    """The pieces to bring, each with a label, a help text and whether it is required."""
    return [
        {
            "label": document["label"],
            "help": document.get("help", ""),
            "required": bool(document.get("required", True)),
        }
        for document in required_documents
        if isinstance(document, dict) and document.get("label")
    ]


def apply_url(procedure: Procedure) -> str | None:
    """The online form's address, or None while it is not open: never a dead link."""
    try:
        return reverse("portal:apply_start", kwargs={"slug": procedure.slug})
    except NoReverseMatch:
        return None
