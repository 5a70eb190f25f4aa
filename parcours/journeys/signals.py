"""When a case is decided, suggest the procedures it opens (``suggest_after_decision``),
in the same transaction: the decision's message, sent after the commit, lists them."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from parcours.cases.enums import Transition
from parcours.cases.models import CaseEvent

DECISIONS = frozenset(
    {
        Transition.ACCEPT,
        Transition.REJECT,
        Transition.CLOSE_WITHOUT_ACTION,
        Transition.IMPLICIT_ACCEPTANCE,
        Transition.IMPLICIT_REJECTION,
    }
)


@receiver(post_save, sender=CaseEvent)
def suggest_next_procedures(sender, instance: CaseEvent, created=False, raw=False, **kwargs):
    if raw or not created or instance.transition not in DECISIONS:
        return
    from .services import suggest_after_decision

    suggest_after_decision(instance.case)
