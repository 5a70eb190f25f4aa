"""Which unit receives a case: the procedure version's routing rules, read at submission.

Rules are tried in order; the first that matches gives the unit, otherwise the
version's default unit (the procedure's handling unit). A rule matches on

* an answer: ``{"unit": "voirie", "field": "problem", "equals": "lighting"}``;
* postcodes: ``{"unit": "nord", "postcodes": ["45510", "451"], "field": "address"}``,
  a postcode (five digits) read in that answer, or in the person's record without
  ``field``; an entry shorter than five digits is a prefix;
* territory: ``{"unit": "nord", "territory": true, "field": "address"}``, the same
  postcode found among the unit's own ``territory_postcodes``.
"""

import copy
import re

from parcours.lib import reference_cache
from parcours.organisations.models import Unit

POSTCODE_RE = re.compile(r"(?<!\d)(\d{5})(?!\d)")


def postcode_in(value) -> str:
    found = POSTCODE_RE.findall(str(value or ""))
    return found[-1] if found else ""


def _postcode(rule: dict, answers: dict, person) -> str:
    if rule.get("field"):
        return postcode_in(answers.get(rule["field"]))
    return postcode_in(getattr(person, "postcode", "")) if person is not None else ""


def rule_matches(rule: dict, *, answers: dict, person=None, unit: Unit | None = None) -> bool:
    if "equals" in rule:
        answer = answers.get(rule.get("field"))
        if isinstance(answer, list):
            return rule["equals"] in answer
        return answer == rule["equals"]
    if "postcodes" in rule:
        postcode = _postcode(rule, answers, person)
        return bool(postcode) and any(
            postcode.startswith(str(prefix).strip())
            for prefix in rule["postcodes"]
            if str(prefix).strip()
        )
    if rule.get("territory") and unit is not None:
        postcode = _postcode(rule, answers, person)
        return bool(postcode) and postcode in (unit.territory_postcodes or [])
    return False


def unit_for(*, organisation_id: int, routing: dict, answers: dict, person=None) -> Unit | None:
    """The unit the rules give for these answers; None when neither a rule nor the default
    names an active unit of the organisation (the caller keeps the unit it has)."""
    units = active_units(organisation_id)
    for rule in routing.get("rules") or []:
        if not isinstance(rule, dict):
            continue
        unit = units.get(rule.get("unit"))
        if unit is not None and rule_matches(rule, answers=answers, person=person, unit=unit):
            return copy.copy(unit)
    unit = units.get(routing.get("default_unit"))
    return copy.copy(unit) if unit is not None else None


def active_units(organisation_id: int) -> dict[str, Unit]:
    """The organisation's active units by slug, each with its organisation (the receipt
    names it), read through the reference cache: every submission routes."""

    def load():
        units = Unit.objects.filter(organisation_id=organisation_id, is_active=True)
        return {unit.slug: unit for unit in units.select_related("organisation")}

    return reference_cache.remember("organisations:active-units", organisation_id, load)


def unit_for_case(case) -> Unit | None:
    """The unit for a case being submitted, from the rules of the version it was filed
    under; None for a version written before the studio (its unit stays)."""
    content = version_content(case.procedure_version_id)
    if content is None:
        return None
    return unit_for(
        organisation_id=case.organisation_id,
        routing=content.get("routing") or {},
        answers=case.form_data,
        person=case.person,
    )


def version_content(version_id: int) -> dict | None:
    """What the studio wrote for a version (its routing among others), None for a
    version written before the studio; read through the reference cache."""
    from .models import VersionContent

    def load():
        return (
            VersionContent.objects.filter(version_id=version_id)
            .values_list("content", flat=True)
            .first()
        )

    return reference_cache.remember("studio:version-content", version_id, load)
