"""The procedure catalogue: search and browse the published procedures, read one."""

import unicodedata
from urllib.parse import urlencode

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.catalog.enums import LifeSituation, Theme
from parcours.catalog.models import Commitment, Procedure
from parcours.stats.selectors import procedure_times

QUERY_MAX_LENGTH = 200


def normalise(text: str) -> str:
    """Lower case without accents, so « ecole » finds « École » on any database."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def matches(procedure: Procedure, words: list[str]) -> bool:
    haystack = normalise(f"{procedure.title} {procedure.summary} {procedure.description}")
    return all(word in haystack for word in words)


def procedures(request):
    """Search by words, browse by theme or by life situation. The catalogue is small
    (tens of procedures), so words and situations are matched in Python: the same
    accent-blind result on every database."""
    query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    theme = request.GET.get("theme", "")
    if theme not in Theme.values:
        theme = ""
    situation = request.GET.get("situation", "")
    if situation not in LifeSituation.values:
        situation = ""
    published = list(
        Procedure.objects.published()
        .select_related("organisation", "handling_unit")
        .order_by("title", "pk")
    )
    found = [p for p in published if not theme or p.theme == theme]
    if situation:
        found = [p for p in found if situation in (p.life_situations or [])]
    words = normalise(query).split()
    results = [p for p in found if matches(p, words)] if words else found
    # Only the situations that lead somewhere: never a link to an empty list.
    situations_used = {code for p in published for code in (p.life_situations or [])}
    return render(
        request,
        "portal/catalogue/procedures.html",
        {
            "query": query,
            "theme": theme,
            "theme_label": Theme(theme).label if theme else "",
            "theme_links": filter_links(
                query=query,
                key="theme",
                current=theme,
                choices=[("", _("Tous les thèmes")), *Theme.choices],
            ),
            "situation": situation,
            "situation_label": LifeSituation(situation).label if situation else "",
            "situation_links": filter_links(
                query=query,
                key="situation",
                current=situation,
                choices=[
                    (value, label)
                    for value, label in LifeSituation.choices
                    if value in situations_used
                ],
            ),
            "results": results,
        },
    )


def filter_links(*, query: str, key: str, current: str, choices: list) -> list[dict]:
    """One link per theme or situation, keeping the words searched for."""
    base = reverse("portal:procedures")
    links = []
    for value, label in choices:
        params = {name: val for name, val in (("q", query), (key, value)) if val}
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
    commitments = (
        Commitment.objects.filter(organisation_id=procedure.organisation_id)
        .filter(Q(procedure=procedure) | Q(procedure__isnull=True))
        .filter(Q(unit=unit) | Q(unit__isnull=True))
    )
    return render(
        request,
        "portal/catalogue/procedure.html",
        {
            "procedure": procedure,
            "documents": documents_of(version.required_documents if version else []),
            "commitments": commitments,
            "measured": procedure_times(procedure.pk, timezone.localdate()),
            "unit": unit,
            "opening_hours": unit.opening_hours.all(),
            "apply_url": apply_url(procedure) if version else None,
            "situations": [
                {
                    "label": label,
                    "url": f"{reverse('portal:procedures')}?{urlencode({'situation': code})}",
                }
                for code, label in LifeSituation.choices
                if code in (procedure.life_situations or [])
            ],
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
