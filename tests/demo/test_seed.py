"""``seed``: the demo generator at a chosen volume, on PostgreSQL (COPY) and SQLite."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from parcours.cases.enums import CaseState
from parcours.cases.models import Case, CaseEvent, Receipt
from parcours.catalog.models import Procedure
from parcours.demo.generator import Volume, generate
from parcours.organisations.models import Organisation
from parcours.people.models import Person

pytestmark = pytest.mark.sqlite


def seed(*args: str) -> str:
    output = StringIO()
    call_command("seed", *args, stdout=output)
    return output.getvalue()


def test_seed_writes_the_volume_asked_for_and_reports_its_speed(db):
    output = seed("--cases", "500", "--people", "60")

    assert Case.objects.count() == 500
    assert Person.objects.count() == 60
    assert Receipt.objects.count() == Case.objects.exclude(state=CaseState.DRAFT).count()
    assert CaseEvent.objects.count() > 500
    assert "lignes par seconde" in output
    expected = "copy" if connection.vendor == "postgresql" else "bulk_create"
    assert f"avec {expected}" in output


def test_seed_spreads_cases_over_extra_organisations(db):
    seed("--cases", "600", "--people", "80", "--organisations", "4")

    assert Organisation.objects.count() == 4
    extra = Organisation.objects.get(name__startswith="Ville de Saint-Aubin")
    assert Procedure.objects.filter(organisation=extra).count() == 6
    assert Case.objects.filter(organisation=extra).exists()
    assert Person.objects.filter(organisation=extra).exists()


def test_seed_refuses_to_mix_with_existing_data_unless_reset(db):
    seed("--cases", "100", "--people", "40")

    with pytest.raises(CommandError, match="--reset"):
        seed("--cases", "100", "--people", "40")

    seed("--cases", "120", "--people", "40", "--reset")
    assert Case.objects.count() == 120


def test_seed_refuses_a_volume_too_small_for_the_story(db):
    with pytest.raises(CommandError, match="administrations"):
        seed("--cases", "100", "--organisations", "2")


def test_bulk_create_gives_the_same_data_as_copy(db):
    seed("--cases", "300", "--people", "40", "--method", "bulk_create")

    assert Case.objects.count() == 300
    assert set(Case.objects.values_list("state", flat=True)) >= {
        CaseState.SUBMITTED,
        CaseState.ACCEPTED,
    }


def snapshot(method: str, now) -> list[tuple]:
    with transaction.atomic():
        generate(Volume(people=40, cases=150), seed=7, now=now, method=method)
        rows = list(
            Case.objects.order_by("pk").values_list(
                "reference", "state", "channel", "person__family_name", "form_data", "submitted_at"
            )
        )
        rows += list(CaseEvent.objects.order_by("pk").values_list("transition", "created_at"))
        transaction.set_rollback(True)
    return rows


def test_the_same_seed_gives_the_same_data_whichever_way_it_is_written(db):
    now = timezone.now()
    first = snapshot("auto", now)

    assert snapshot("auto", now) == first
    assert snapshot("bulk_create", now) == first
