import datetime

import pytest
from django.utils import timezone

from parcours.mandates import services
from parcours.mandates.enums import ConsentMethod
from tests.factories import ProcedureFactory


@pytest.fixture
def other_procedure(unit_1):
    return ProcedureFactory(handling_unit=unit_1, code="CAN", title="Cantine scolaire")


def make_mandate(helper, person, procedures, *, ends_on=None, **kwargs):
    """A mandate signed on screen by ``person`` (a Person with an account)."""
    return services.mandate_create(
        by=helper.user,
        given_name=person.given_name,
        family_name=person.family_name,
        email=person.user.email,
        procedures=procedures,
        ends_on=ends_on or timezone.localdate() + datetime.timedelta(days=90),
        consent_method=ConsentMethod.SIGNATURE,
        signed_name=f"{person.given_name} {person.family_name}",
        agreed=True,
        **kwargs,
    )


@pytest.fixture
def mandate(helper, citizen_a, procedure, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_mandate(helper, citizen_a, [procedure])


@pytest.fixture
def other_organisation_procedure(db):
    from tests.factories import OrganisationFactory, UnitFactory

    caisse = OrganisationFactory(name="Caisse des prestations", slug="caisse")
    unit = UnitFactory(organisation=caisse, name="Aides au logement", slug="logement")
    return ProcedureFactory(handling_unit=unit, code="ALO", title="Aide au logement")
