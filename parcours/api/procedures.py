"""The catalogue in the API v1, public (no token): the published procedures and, for
one of them, what its public page says and the form of its published version.

Only what the portal's catalogue shows is given (``portal/catalogue``): a procedure
that is not published answers 404, and a draft version is never read — the form and
the documents are those of the latest *published* version. Mounted under
``/procedures`` by ``api``; failures have the shape of ``errors``.
"""

from http import HTTPStatus

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router

from parcours.catalog.enums import DelayUnit, ImplicitDecision, LifeSituation, Theme
from parcours.catalog.models import DOCUMENT_VALID_DAYS, Procedure, ProcedureVersion
from parcours.portal.catalogue.views import matches, normalise
from parcours.studio.content import version_content

from .errors import ErrorOut, not_found
from .pagination import page_of
from .schemas import ProcedureDetailOut, ProcedureFilters, ProceduresOut

# A public read: no token, so neither 401 nor 403 nor the token's rate limit.
FAILURES = {
    HTTPStatus.NOT_FOUND: ErrorOut,
    HTTPStatus.UNPROCESSABLE_ENTITY: ErrorOut,
}
# The keys of a form field given as they are written (docs/procedure-format.md).
FIELD_KEYS = (
    "help",
    "max_length",
    "min",
    "max",
    "min_items",
    "max_items",
    "prefill",
)

router = Router()


def published() -> QuerySet[Procedure]:
    return Procedure.objects.published().select_related("organisation", "handling_unit")


def procedure_summary(procedure: Procedure) -> dict:
    unit = procedure.handling_unit
    return {
        "code": procedure.code,
        "slug": procedure.slug,
        "title": procedure.title,
        "summary": procedure.summary,
        "theme": procedure.theme,
        "theme_label": str(Theme(procedure.theme).label) if procedure.theme in Theme else "",
        "organisation": {"slug": procedure.organisation.slug, "name": procedure.organisation.name},
        "unit": {"slug": unit.slug, "name": unit.name, "territory": unit.territory}
        if unit
        else None,
    }


def form_field(field: dict) -> dict:
    """A field of the form, typed, with its condition and, for a group, its questions."""
    condition = field.get("show_if")
    out = {
        "name": str(field.get("name", "")),
        "label": str(field.get("label", "")),
        "type": str(field.get("type", "")),
        "required": bool(field.get("required", False)),
        "choices": [
            {"value": choice.get("value"), "label": str(choice.get("label", ""))}
            for choice in field.get("choices") or []
            if isinstance(choice, dict)
        ],
        "show_if": {"field": str(condition["field"]), "equals": condition.get("equals")}
        if isinstance(condition, dict) and "field" in condition
        else None,
        "fields": [
            form_field(item) for item in field.get("fields") or [] if isinstance(item, dict)
        ],
    }
    for key in FIELD_KEYS:
        out[key] = field.get(key)
    return out


def document_out(document: dict) -> dict:
    valid_days = document.get("valid_days", DOCUMENT_VALID_DAYS)
    if not isinstance(valid_days, int) or isinstance(valid_days, bool) or valid_days < 0:
        valid_days = DOCUMENT_VALID_DAYS
    return {
        "code": str(document.get("code", "")),
        "label": str(document.get("label", "")),
        "help": str(document.get("help", "")),
        "required": bool(document.get("required", True)),
        "valid_days": valid_days,
    }


def procedure_detail(procedure: Procedure, version: ProcedureVersion | None) -> dict:
    content = version_content(version) if version else {}
    legal, public = content.get("legal", {}), content.get("public", {})
    return {
        **procedure_summary(procedure),
        "description": procedure.description,
        "who_can_apply": procedure.who_can_apply,
        "what_happens_next": procedure.what_happens_next,
        "help": str(public.get("help") or ""),
        "life_situations": [
            {"code": code, "label": str(label)}
            for code, label in LifeSituation.choices
            if code in (procedure.life_situations or [])
        ],
        "decision": {
            "delay": procedure.decision_delay,
            "delay_unit": procedure.decision_delay_unit,
            "delay_label": procedure.get_delay_display()
            if procedure.decision_delay_unit in DelayUnit
            else "",
            "implicit_decision": procedure.implicit_decision,
            "implicit_decision_label": str(ImplicitDecision(procedure.implicit_decision).label)
            if procedure.implicit_decision in ImplicitDecision
            else "",
        },
        "legal_basis": procedure.legal_basis,
        "appeal_routes": str(legal.get("appeal_routes") or "").strip(),
        "version": {
            "number": version.number,
            "published_at": version.published_at,
            "documents": [
                document_out(d)
                for d in version.required_documents or []
                if isinstance(d, dict) and d.get("label")
            ],
            "form": [
                form_field(f)
                for f in (version.form_definition or {}).get("fields") or []
                if isinstance(f, dict)
            ],
        }
        if version
        else None,
    }


@router.get(
    "",
    response={200: ProceduresOut, **FAILURES},
    summary="The published procedures (public)",
    operation_id="procedure_list",
    auth=None,
)
def procedure_list(request: HttpRequest, filters: Query[ProcedureFilters]):
    """The published procedures, by title, with filters: the administration
    (``organisation``), the service that handles them (``unit``), a postcode of the
    territory it serves (``postcode``), a theme, and words (``q``, accent-blind, in the
    title, the summary or the description). No token needed."""
    procedures = published().order_by("title", "pk")
    if filters.organisation:
        procedures = procedures.filter(organisation__slug=filters.organisation)
    if filters.unit:
        procedures = procedures.filter(handling_unit__slug=filters.unit)
    if filters.theme:
        procedures = procedures.filter(theme=filters.theme)
    found = list(procedures)
    if filters.postcode:
        found = [
            p
            for p in found
            if p.handling_unit_id
            and filters.postcode in (p.handling_unit.territory_postcodes or [])
        ]
    words = normalise(filters.q or "").split()
    if words:
        found = [p for p in found if matches(p, words)]
    return page_of(request, found, filters, procedure_summary)


@router.get(
    "/{slug}",
    response={200: ProcedureDetailOut, **FAILURES},
    summary="A published procedure: its public page and its form (public)",
    operation_id="procedure_read",
    auth=None,
)
def procedure_read(request: HttpRequest, slug: str):
    """What the procedure's public page says (purpose, who may apply, documents and how
    long a document already given stays valid, decision deadline, what silence means,
    legal basis, appeal routes) and the form of its published version: typed fields in
    order, each with its condition (``show_if``) and, for a group, its questions."""
    procedure = published().filter(slug=slug).first() if "\x00" not in slug else None
    if procedure is None:
        raise not_found()
    return procedure_detail(procedure, procedure.current_version)
