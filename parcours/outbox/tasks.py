from django_tasks import task


@task()
def deliver_outbox_message(message_id: int) -> str:
    """The fast path: deliver one row right after the change commits. If this task is
    lost, the relay (parcours.outbox.relay) delivers the row on its next pass."""
    from .services import deliver_one

    row = deliver_one(message_id)
    return row.status if row is not None else "taken"
