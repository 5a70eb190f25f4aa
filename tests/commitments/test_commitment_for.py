import pytest
from django.core.exceptions import ValidationError

from parcours.catalog.enums import CommitmentKind, DelayUnit
from parcours.catalog.models import Commitment
from parcours.commitments.selectors import CommitmentBook, commitment_for
from tests.factories import OrganisationFactory, ProcedureFactory, UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def make(organisation, *, unit=None, procedure=None, kind=CommitmentKind.DECISION, target=10):
    return Commitment.objects.create(
        organisation=organisation,
        unit=unit,
        procedure=procedure,
        kind=kind,
        target=target,
        target_unit=DelayUnit.DAYS,
        wording=f"Sous {target} jours.",
    )


@pytest.fixture
def cast(organisation, unit_1, unit_2, procedure):
    other_procedure = ProcedureFactory(handling_unit=unit_1, code="CAN")
    general = make(organisation, target=30)
    of_unit = make(organisation, unit=unit_1, target=20)
    of_procedure = make(organisation, procedure=procedure, target=15)
    of_both = make(organisation, unit=unit_1, procedure=procedure, target=5)
    return general, of_unit, of_procedure, of_both, other_procedure


def test_the_procedure_in_the_unit_wins_over_everything(cast, organisation, unit_1, procedure):
    assert (
        commitment_for(
            CommitmentKind.DECISION, organisation=organisation, unit=unit_1, procedure=procedure
        )
        == cast[3]
    )


def test_the_procedure_wins_over_the_unit_elsewhere(cast, unit_2, procedure):
    assert commitment_for(CommitmentKind.DECISION, unit=unit_2, procedure=procedure) == cast[2]


def test_the_unit_wins_over_the_organisation(cast, unit_1):
    other_procedure = cast[4]
    assert (
        commitment_for(CommitmentKind.DECISION, unit=unit_1, procedure=other_procedure) == cast[1]
    )


def test_the_organisation_s_general_commitment_applies_elsewhere(cast, organisation, unit_2):
    assert commitment_for(CommitmentKind.DECISION, organisation=organisation) == cast[0]
    assert commitment_for(CommitmentKind.DECISION, unit=unit_2.pk) == cast[0]


def test_no_commitment_of_that_kind_gives_none(cast, organisation):
    assert commitment_for(CommitmentKind.COMPLAINT, organisation=organisation) is None


def test_another_organisation_s_commitments_never_apply(cast):
    elsewhere = UnitFactory(organisation=OrganisationFactory())
    assert commitment_for(CommitmentKind.DECISION, unit=elsewhere) is None


def test_a_commitment_narrowed_to_another_unit_does_not_apply(organisation, unit_1, unit_2):
    make(organisation, unit=unit_1, kind=CommitmentKind.COMPLAINT)
    assert commitment_for(CommitmentKind.COMPLAINT, unit=unit_2) is None


def test_the_book_resolves_as_the_selector_without_a_query_each(
    cast, organisation, unit_1, unit_2, procedure, django_assert_num_queries
):
    combinations = [(u, p) for u in (unit_1, unit_2) for p in (procedure, cast[4], None)]
    expected = [
        commitment_for(CommitmentKind.DECISION, unit=u, procedure=p) for u, p in combinations
    ]
    book = CommitmentBook([organisation.pk])
    with django_assert_num_queries(0):
        found = [
            book.get(
                CommitmentKind.DECISION,
                organisation_id=organisation.pk,
                unit_id=u.pk,
                procedure_id=p.pk if p else None,
            )
            for u, p in combinations
        ]
    assert found == expected
    assert set(expected) == {cast[3], cast[1], cast[2], cast[0]}


def test_a_unit_of_another_organisation_is_refused(organisation):
    elsewhere = UnitFactory(organisation=OrganisationFactory())
    commitment = Commitment(
        organisation=organisation,
        unit=elsewhere,
        kind=CommitmentKind.DECISION,
        target=5,
        target_unit=DelayUnit.DAYS,
        wording="Sous 5 jours.",
    )
    with pytest.raises(ValidationError) as error:
        commitment.full_clean()
    assert "unit" in error.value.error_dict
