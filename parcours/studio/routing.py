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

import re

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
    units = {
        u.slug: u
        for u in Unit.objects.filter(
            organisation_id=organisation_id, is_active=True
        ).select_related("organisation")  # the receipt names the unit's organisation
    }
    for rule in routing.get("rules") or []:
        if not isinstance(rule, dict):
            continue
        unit = units.get(rule.get("unit"))
        if unit is not None and rule_matches(rule, answers=answers, person=person, unit=unit):
            return unit
    return units.get(routing.get("default_unit"))


def unit_for_case(case) -> Unit | None:
    """The unit for a case being submitted, from the rules of the version it was filed
    under; None for a version written before the studio (its unit stays)."""
    from .models import VersionContent

    try:
        content = case.procedure_version.studio_content.content
    except VersionContent.DoesNotExist:
        return None
    return unit_for(
        organisation_id=case.organisation_id,
        routing=content.get("routing") or {},
        answers=case.form_data,
        person=case.person,
    )
