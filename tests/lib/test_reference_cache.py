"""Reference data kept in the process: loaded once per generation, dropped by any
committed change of a watched model, never showing a change before its commit.

Most tests here commit (``transaction=True``): inside a test's own transaction, once a
fixture has saved a watched model, that transaction is "the one changing reference
data" and bypasses the copies, as it must."""

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

from parcours.catalog.models import Procedure
from parcours.lib import reference_cache
from tests.factories import ProcedureFactory


class Loader:
    """Counts its loads; returns the procedure's title as the database has it now."""

    def __init__(self, procedure):
        self.pk = procedure.pk
        self.loads = 0

    def __call__(self):
        self.loads += 1
        return Procedure.objects.get(pk=self.pk).title

    def read(self):
        return reference_cache.remember("test:title", self.pk, self)


def other_process_changes_something():
    """What another app server's commit does: a new generation in the shared cache."""
    cache.set(reference_cache.GENERATION_KEY, "drawn-elsewhere", timeout=None)


@pytest.mark.django_db(transaction=True)
def test_a_value_is_loaded_once_per_generation(procedure):
    loader = Loader(procedure)
    assert loader.read() == procedure.title
    assert loader.read() == procedure.title
    assert loader.loads == 1
    other_process_changes_something()
    loader.read()
    assert loader.loads == 2


@pytest.mark.django_db(transaction=True)
def test_a_committed_save_of_a_watched_model_drops_every_copy(unit_1):
    procedure = ProcedureFactory(handling_unit=unit_1, title="Avant")
    loader = Loader(procedure)
    before = cache.get(reference_cache.GENERATION_KEY)
    assert loader.read() == "Avant"
    with transaction.atomic():
        procedure.title = "Après"
        procedure.save()
    assert cache.get(reference_cache.GENERATION_KEY) != before  # every process sees it
    assert loader.read() == "Après"
    assert loader.loads == 2


@pytest.mark.django_db(transaction=True)
def test_a_change_is_not_kept_before_its_commit_nor_after_a_rollback(unit_1):
    procedure = ProcedureFactory(handling_unit=unit_1, title="Publié")
    loader = Loader(procedure)
    assert loader.read() == "Publié"
    generation = cache.get(reference_cache.GENERATION_KEY)

    seen_inside = []

    def change_then_fail():
        with transaction.atomic():
            procedure.title = "Jamais validé"
            procedure.save()
            # The transaction that changed it reads its own change, from the database.
            seen_inside.append(loader.read())
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert seen_inside == ["Jamais validé"]
    # Rolled back: nothing drawn, and the uncommitted title was never kept.
    assert cache.get(reference_cache.GENERATION_KEY) == generation
    assert loader.read() == "Publié"


@pytest.mark.django_db
def test_inside_the_changing_transaction_the_copies_are_not_used(procedure):
    loader = Loader(procedure)
    loader.read()
    procedure.title = "Renommée"
    procedure.save()  # the test's transaction: not committed
    assert loader.read() == "Renommée"
    assert loader.read() == "Renommée"
    assert loader.loads == 3


@pytest.mark.django_db(transaction=True)
def test_a_many_to_many_change_drops_the_copies(organisation, procedure):
    from parcours.webhooks.models import WebhookEndpoint
    from parcours.webhooks.services import active_endpoints

    endpoint = WebhookEndpoint.objects.create(
        organisation=organisation, name="SIG", url="https://sig.example.test/hook", secret="s"
    )
    assert active_endpoints(organisation.pk)[0][1] == frozenset()
    endpoint.procedures.add(procedure)
    assert active_endpoints(organisation.pk)[0][1] == frozenset({procedure.pk})


@pytest.mark.django_db(transaction=True)
def test_callers_get_their_own_copy_of_a_model_instance(procedure):
    first = reference_cache.remember("test:procedure", procedure.pk, lambda: procedure)
    first.title = "Modifiée par un appelant"
    second = reference_cache.remember("test:procedure", procedure.pk, lambda: None)
    assert second is not first
    assert second.title == procedure.title


@pytest.mark.django_db(transaction=True)
def test_a_request_reads_the_generation_once(procedure):
    loader = Loader(procedure)
    request_started.send(sender=None)
    try:
        loader.read()
        other_process_changes_something()
        loader.read()
        assert loader.loads == 1  # the request goes on with the generation it began with
    finally:
        request_finished.send(sender=None)
    loader.read()
    assert loader.loads == 2  # the next one sees the change


@pytest.mark.django_db(transaction=True)
def test_without_a_cache_that_keeps_anything_every_read_loads(procedure, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    loader = Loader(procedure)
    loader.read()
    loader.read()
    assert loader.loads == 2
