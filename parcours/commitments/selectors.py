"""Which published commitment applies to an item (a case, a message, a call, an
appointment, a complaint).

A commitment (``parcours.catalog.models.Commitment``) belongs to an organisation and
may be narrowed to one unit, one procedure, or one procedure in one unit. For a given
kind, the most specific applicable one wins:

1. the procedure's own commitment in that unit,
2. the procedure's own commitment (any unit),
3. the unit's own commitment (any procedure),
4. the organisation's general commitment.

A commitment narrowed to another unit or another procedure never applies.
"""

import datetime
from collections.abc import Iterable

from parcours.cases.clock import add_delay
from parcours.catalog.enums import DelayUnit
from parcours.catalog.models import Commitment, Procedure
from parcours.organisations.models import Organisation, Unit


def _id(value) -> int | None:
    return getattr(value, "pk", value)


def _specificity(commitment: Commitment) -> tuple[int, int]:
    # (procedure narrows, unit narrows): a procedure's commitment is more specific
    # than a unit's; lower pk first among equals, so the answer is stable.
    return (
        (commitment.procedure_id is not None) * 2 + (commitment.unit_id is not None),
        -commitment.pk,
    )


def applicable(
    commitments: Iterable[Commitment], *, unit_id: int | None, procedure_id: int | None
) -> Commitment | None:
    """The most specific of ``commitments`` (all of one organisation and one kind)
    applying to an item of ``unit_id`` under ``procedure_id``."""
    best = None
    for commitment in commitments:
        if commitment.unit_id is not None and commitment.unit_id != unit_id:
            continue
        if commitment.procedure_id is not None and commitment.procedure_id != procedure_id:
            continue
        if best is None or _specificity(commitment) > _specificity(best):
            best = commitment
    return best


def commitment_for(
    kind: str,
    organisation: Organisation | int | None = None,
    unit: Unit | int | None = None,
    procedure: Procedure | int | None = None,
) -> Commitment | None:
    """The most specific commitment of ``kind`` that applies, or None.

    ``organisation`` may be left out when a unit or a procedure is given (it is theirs).
    """
    organisation_id = _id(organisation)
    if organisation_id is None:
        if isinstance(unit, Unit):
            organisation_id = unit.organisation_id
        elif isinstance(procedure, Procedure):
            organisation_id = procedure.organisation_id
        elif unit is not None:
            organisation_id = Unit.objects.values_list("organisation_id", flat=True).get(pk=unit)
        elif procedure is not None:
            organisation_id = Procedure.objects.values_list("organisation_id", flat=True).get(
                pk=procedure
            )
        else:
            raise ValueError("commitment_for needs an organisation, a unit or a procedure.")
    candidates = Commitment.objects.filter(organisation_id=organisation_id, kind=kind)
    return applicable(candidates, unit_id=_id(unit), procedure_id=_id(procedure))


class CommitmentBook:
    """Every commitment of some organisations, read once, to resolve many items
    without a query each (the periodic measurement and the daily statistics)."""

    def __init__(self, organisation_ids: Iterable[int] | None = None):
        commitments = Commitment.objects.all()
        if organisation_ids is not None:
            commitments = commitments.filter(organisation_id__in=list(organisation_ids))
        self._by_key: dict[tuple[int, str], list[Commitment]] = {}
        for commitment in commitments:
            self._by_key.setdefault((commitment.organisation_id, commitment.kind), []).append(
                commitment
            )
        self._cache: dict[tuple, Commitment | None] = {}

    def get(
        self, kind: str, *, organisation_id: int, unit_id: int | None, procedure_id: int | None
    ) -> Commitment | None:
        key = (kind, organisation_id, unit_id, procedure_id)
        if key not in self._cache:
            self._cache[key] = applicable(
                self._by_key.get((organisation_id, kind), ()),
                unit_id=unit_id,
                procedure_id=procedure_id,
            )
        return self._cache[key]


def due_on(commitment: Commitment, start: datetime.date, *, subdivision: str = "") -> datetime.date:
    """The last day on which an item started on ``start`` is within ``commitment``."""
    return add_delay(
        start, amount=commitment.target, unit=commitment.target_unit, subdivision=subdivision
    )


def target_in_days(commitment: Commitment) -> int:
    """The commitment's delay as an approximate number of calendar days (for charts)."""
    if commitment.target_unit == DelayUnit.MONTHS:
        return commitment.target * 30
    if commitment.target_unit == DelayUnit.WORKING_DAYS:
        return commitment.target * 7 // 5
    return commitment.target


def at_risk_counts(unit: Unit) -> dict[int | None, int]:
    """Active alerts of a unit per agent holding the item (None: nobody holds it)."""
    from django.db.models import Count

    from .models import CommitmentAlert

    return {
        row["agent_id"]: row["n"]
        for row in CommitmentAlert.objects.active()
        .filter(organisation_id=unit.organisation_id, unit=unit)
        .values("agent_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
