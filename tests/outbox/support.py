"""Helpers for the tests of side effects recorded in the outbox."""

from django.db import transaction


class _RolledBack(Exception):
    pass


def rolled_back(change) -> None:
    """Run ``change()`` in a transaction that then rolls back, as a request that fails
    after its change does."""
    try:
        with transaction.atomic():
            change()
            raise _RolledBack
    except _RolledBack:
        pass
