"""The demo's private fields filled in: on a few open cases of each procedure whose file
reserves fields for agents (parcours/demo/procedures/*.json), the case's referent has
recorded them through the same service as the case page, so the agents' case pages
show them and the history holds the internal event."""

import datetime

from parcours.cases.enums import OPEN_STATES
from parcours.cases.models import Case
from parcours.cases.private_fields import case_save_private_fields, private_specs

from .timeline import DemoRandom

CASES_PER_PROCEDURE = 4
NOTES = (
    "Ménage prioritaire : relogement après un sinistre, à présenter en priorité.",
    "Dossier complet ; à présenter à la prochaine commission.",
    "Attente d'un justificatif de ressources de l'année précédente.",
)


def _value(spec: dict, case: Case, rng: DemoRandom):
    """A value an agent would have written for this field on this case."""
    name, kind = spec["name"], spec["type"]
    if name == "card_number":
        return f"BLR-{case.received_on:%Y}-{case.pk:05d}"
    if name == "commission_note":
        return rng.choice(NOTES)
    if kind == "yes_no":
        return "yes" if rng.random() < 0.8 else "no"
    if kind == "integer":
        return rng.randint(spec.get("min", 0), min(spec.get("max", 10), 10))
    if kind == "date":
        return (case.received_on + datetime.timedelta(days=rng.randint(1, 5))).isoformat()
    return ""


def seed_private_fields(seed: int) -> int:
    """Fill the private fields of a few open cases per procedure; return how many."""
    rng = DemoRandom(seed)
    filled = 0
    open_cases = (
        Case.objects.filter(
            state__in=OPEN_STATES, referent__isnull=False, received_on__isnull=False
        )
        .select_related("procedure_version", "unit", "referent__user")
        .order_by("procedure_id", "pk")
    )
    taken: dict[int, int] = {}
    for case in open_cases.iterator():
        if taken.get(case.procedure_id, 0) >= CASES_PER_PROCEDURE:
            continue
        specs = private_specs(case)
        if not specs:
            taken[case.procedure_id] = CASES_PER_PROCEDURE
            continue
        values = {spec["name"]: _value(spec, case, rng) for spec in specs}
        case_save_private_fields(case=case, by=case.referent.user, values=values)
        taken[case.procedure_id] = taken.get(case.procedure_id, 0) + 1
        filled += 1
    return filled
