"""Reads of GeoReport v2: jurisdictions, services (the published street-report
procedures), their definitions drawn from the procedure's form, and service requests
(the cases of those procedures) with their Open311 status.

What is public: GeoReport's GET methods need no key, so a request shows only what a
street report may show (where, what kind, its status); never who made it. The free
text of a report is shown only for reports that came in through Open311, whose
applications publish it anyway; a report made on the site keeps its text private.
"""

import copy
import datetime
from urllib.parse import urlsplit

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.cases.enums import FINAL_STATES, CaseChannel, CaseState, EventKind
from parcours.cases.models import Case, CaseEvent
from parcours.catalog.enums import FieldType
from parcours.catalog.models import Procedure, ProcedureVersion
from parcours.lib import reference_cache
from parcours.organisations.models import Organisation

from .errors import bad_request, not_found

# GeoReport v2: "Default query limit is a span of 90 days or first 1000 requests".
DEFAULT_SPAN = datetime.timedelta(days=90)
MAX_REQUESTS = 1000

# Open311 datatypes of the form's field types (spec: GET Service Definition).
DATATYPES = {
    FieldType.TEXT: "string",
    FieldType.EMAIL: "string",
    FieldType.PHONE: "string",
    FieldType.TEXTAREA: "text",
    FieldType.ADDRESS: "text",
    FieldType.INTEGER: "number",
    FieldType.DECIMAL: "number",
    FieldType.DATE: "datetime",
    FieldType.BOOLEAN: "singlevaluelist",
    FieldType.CHOICE: "singlevaluelist",
    FieldType.MULTIPLE_CHOICE: "multivaluelist",
}


# ---------------------------------------------------------------------------
# Jurisdictions and services


def open311_procedures() -> QuerySet[Procedure]:
    """Every procedure offered as an Open311 service: published geolocated reports."""
    return Procedure.objects.published().filter(is_geolocated=True)


def jurisdiction_ids(organisation: Organisation) -> list[str]:
    """What a client may send as ``jurisdiction_id`` for this organisation: its
    identifier, or its website's host without ``www.`` (the spec's suggestion)."""
    ids = [organisation.slug]
    host = urlsplit(organisation.website or "").hostname or ""
    if host:
        ids.append(host.removeprefix("www."))
    return ids


def jurisdiction_for(jurisdiction_id: str | None) -> Organisation:
    """The organisation a request is for. ``jurisdiction_id`` may be left out while
    only one administration offers Open311 services (spec: "only required if the
    endpoint serves multiple jurisdictions")."""
    served = served_organisations()
    jurisdiction_id = (jurisdiction_id or "").strip().lower()
    if not jurisdiction_id:
        if len(served) == 1:
            return copy.copy(served[0])
        if not served:
            raise not_found(_("Aucune administration ne reçoit de signalements Open311 ici."))
        raise bad_request(
            _(
                "jurisdiction_id : ce paramètre est obligatoire, car ce serveur reçoit les "
                "signalements de plusieurs administrations (%(ids)s)."
            )
            % {"ids": ", ".join(organisation.slug for organisation in served)}
        )
    host = jurisdiction_id.removeprefix("www.")
    for organisation in served:
        if jurisdiction_id == organisation.slug or host in jurisdiction_ids(organisation)[1:]:
            return copy.copy(organisation)
    raise not_found(
        _("jurisdiction_id : aucune administration ne répond à « %(id)s » ici.")
        % {"id": jurisdiction_id[:100]}
    )


def served_organisations() -> list[Organisation]:
    """The organisations offering at least one service, by slug; read through the
    reference cache (every request names its jurisdiction)."""

    def load():
        served = Organisation.objects.filter(pk__in=open311_procedures().values("organisation_id"))
        return list(served.order_by("slug"))

    return reference_cache.remember("open311:organisations", None, load)


def services_of(organisation: Organisation) -> QuerySet[Procedure]:
    return (
        open311_procedures()
        .filter(organisation=organisation)
        .select_related("handling_unit")
        .order_by("code")
    )


def service_for(organisation: Organisation, service_code: str | None) -> Procedure:
    code = (service_code or "").strip()
    if not code:
        raise bad_request(_("service_code : ce paramètre est obligatoire."))
    procedure = reference_cache.remember(
        "open311:service",
        (organisation.pk, code),
        lambda: services_of(organisation).filter(code=code).first(),
    )
    if procedure is None:
        raise not_found(
            _("service_code : « %(code)s » n'est pas un service de cette administration.")
            % {"code": code[:50]}
        )
    return procedure


def definition_of(procedure: Procedure, version: ProcedureVersion | None = None) -> dict:
    """The form of the procedure's published version (``version`` when the caller has it)."""
    version = version or procedure.current_version
    return (version.form_definition if version else None) or {"fields": []}


def field_roles(definition: dict) -> dict[str, str | None]:
    """Which form fields GeoReport's own arguments fill: ``lat``/``long`` the first
    map position, ``description`` the field marked ``"open311": "description"`` (or
    named ``description``), ``address_string`` the field marked
    ``"open311": "address_string"`` (or the first of type address)."""
    fields = definition.get("fields", [])

    def first(test):
        return next((f["name"] for f in fields if test(f)), None)

    return {
        "location": first(lambda f: f.get("type") == FieldType.LOCATION),
        "description": first(lambda f: f.get("open311") == "description")
        or first(
            lambda f: (
                f["name"] == "description" and f.get("type") in (FieldType.TEXT, FieldType.TEXTAREA)
            )
        ),
        "address": first(lambda f: f.get("open311") == "address_string")
        or first(lambda f: f.get("type") == FieldType.ADDRESS),
    }


def attribute_fields(definition: dict) -> list[dict]:
    """The form's fields asked for as ``attribute[code]``: all but those GeoReport's
    own arguments fill, the person's data (first_name, email… say who reports) and
    extra map positions."""
    roles = set(field_roles(definition).values())
    return [
        field
        for field in definition.get("fields", [])
        if field["name"] not in roles and "prefill" not in field and field["type"] in DATATYPES
    ]


def service_summary(procedure: Procedure) -> dict:
    """One service of GET services, in the order of the spec's response table."""
    return {
        "service_code": procedure.code,
        "service_name": procedure.title,
        "description": procedure.summary or None,
        "metadata": bool(attribute_fields(definition_of(procedure))),
        "type": "realtime",
        "keywords": ", ".join(str(s) for s in procedure.get_life_situations_display()) or None,
        "group": str(procedure.get_theme_display()) or None,
    }


def service_definition(procedure: Procedure) -> dict:
    definition = definition_of(procedure)
    fields = {f["name"]: f for f in definition.get("fields", [])}
    attributes = []
    for order, field in enumerate(attribute_fields(definition), start=1):
        attribute = {
            "variable": True,
            "code": field["name"],
            "datatype": DATATYPES[field["type"]],
            "required": bool(field.get("required")) and not field.get("show_if"),
            "datatype_description": _datatype_description(field, fields),
            "order": order,
            "description": field["label"],
        }
        values = _values(field)
        if values is not None:
            attribute["values"] = values
        attributes.append(attribute)
    return {"service_code": procedure.code, "attributes": attributes}


def _values(field: dict) -> list[dict] | None:
    if field["type"] == FieldType.BOOLEAN:
        return [{"key": "true", "name": _("Oui")}, {"key": "false", "name": _("Non")}]
    if field["type"] in (FieldType.CHOICE, FieldType.MULTIPLE_CHOICE):
        return [{"key": str(c["value"]), "name": c["label"]} for c in field["choices"]]
    return None


def _datatype_description(field: dict, fields: dict) -> str | None:
    parts = [field["help"]] if field.get("help") else []
    condition = field.get("show_if")
    if condition and field.get("required"):
        other = fields.get(condition["field"], {})
        expected = condition["equals"]
        if isinstance(expected, bool):
            expected = "true" if expected else "false"
        parts.append(
            _("Obligatoire quand « %(label)s » (%(code)s) vaut %(value)s.")
            % {"label": other.get("label", ""), "code": condition["field"], "value": expected}
        )
    if field["type"] == FieldType.DATE:
        parts.append(_("Une date, par exemple 2026-03-14."))
    if field.get("max_length"):
        parts.append(_("%(limit)s caractères au plus.") % {"limit": field["max_length"]})
    return " ".join(parts) or None


# ---------------------------------------------------------------------------
# Service requests


def requests_of(organisation: Organisation) -> QuerySet[Case]:
    """The cases of the organisation's Open311 services, with what a request shows."""
    latest_note = (
        CaseEvent.objects.filter(
            case=OuterRef("pk"), visible_to_citizen=True, kind=EventKind.TRANSITION
        )
        .exclude(reason="")
        .order_by("-created_at", "-pk")
        .values("reason")[:1]
    )
    return (
        Case.objects.filter(organisation=organisation, procedure__in=services_of(organisation))
        .exclude(state=CaseState.DRAFT)
        .select_related("procedure", "procedure_version", "unit", "open311_request")
        .annotate(status_notes=Subquery(latest_note))
        .order_by("-submitted_at", "-pk")
    )


def parse_w3_datetime(name: str, value: str) -> datetime.datetime:
    """A ``start_date``/``end_date`` in the W3C profile of ISO 8601, with its offset."""
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise bad_request(
            _(
                "%(name)s : indiquez une date et une heure avec leur fuseau, par exemple "
                "2026-11-01T00:00:00Z."
            )
            % {"name": name}
        )
    return moment


def filter_requests(
    cases: QuerySet[Case],
    *,
    service_request_ids: str = "",
    service_codes: str = "",
    start_date: str = "",
    end_date: str = "",
    statuses: str = "",
    now: datetime.datetime | None = None,
) -> list[Case]:
    """GET requests' filters. A list of ``service_request_id`` overrides all others;
    otherwise the most recent 90 days (or the span given, 90 days at most) and the
    first 1,000 requests."""
    ids = _split(service_request_ids)
    if ids:
        return list(cases.filter(reference__in=ids[:MAX_REQUESTS]))
    now = now or timezone.now()
    start = parse_w3_datetime("start_date", start_date) if start_date.strip() else None
    end = parse_w3_datetime("end_date", end_date) if end_date.strip() else None
    if start and end and end < start:
        raise bad_request(_("end_date : cette date doit suivre start_date."))
    if start and end and end - start > DEFAULT_SPAN:
        raise bad_request(
            _("end_date : l'intervalle de start_date à end_date ne doit pas dépasser 90 jours.")
        )
    if start is None:
        start = (end or now) - DEFAULT_SPAN
    if end is None:
        end = start + DEFAULT_SPAN
    cases = cases.filter(submitted_at__gte=start, submitted_at__lte=end)
    codes = _split(service_codes)
    if codes:
        cases = cases.filter(procedure__code__in=codes)
    wanted = _split(statuses)
    unknown = set(wanted) - {"open", "closed"}
    if unknown:
        raise bad_request(
            _("status : « %(value)s » n'est pas un état Open311 (open ou closed).")
            % {"value": ", ".join(sorted(unknown))[:100]}
        )
    if set(wanted) == {"open"}:
        cases = cases.exclude(state__in=FINAL_STATES)
    elif set(wanted) == {"closed"}:
        cases = cases.filter(state__in=FINAL_STATES)
    return list(cases[:MAX_REQUESTS])


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def status_of(case: Case) -> str:
    """GeoReport's status: ``closed`` once the case is decided, closed or withdrawn."""
    return "closed" if case.state in FINAL_STATES else "open"


def w3(moment: datetime.datetime | None) -> str | None:
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def request_detail(case: Case) -> dict:
    """One service request, in the order of the spec's response table."""
    procedure = case.procedure
    report = getattr(case, "open311_request", None)
    roles = field_roles(case.procedure_version.form_definition or {})
    description = None
    if case.channel == CaseChannel.OPEN311 and roles["description"]:
        description = case.form_data.get(roles["description"]) or None
    address = case.form_data.get(roles["address"]) if roles["address"] else None
    closed = status_of(case) == "closed"
    expected = None
    if case.decision_due_on and not closed:
        expected = timezone.make_aware(
            datetime.datetime.combine(case.decision_due_on, datetime.time(23, 59, 59))
        )
    return {
        "service_request_id": case.reference,
        "status": status_of(case),
        "status_notes": getattr(case, "status_notes", None) or None,
        "service_name": procedure.title,
        "service_code": procedure.code,
        "description": description,
        "agency_responsible": case.unit.name,
        "service_notice": procedure.what_happens_next or None,
        "requested_datetime": w3(case.submitted_at),
        "updated_datetime": w3((case.decided_at if closed else None) or case.updated_at),
        "expected_datetime": w3(expected),
        "address": (address or (report.address_string if report else "")) or None,
        "address_id": (report.address_id if report else "") or None,
        "zipcode": None,
        "lat": case.latitude,
        "long": case.longitude,
        "media_url": (report.media_url if report else "") or None,
    }
