"""Every step a helper takes on a case started under a mandate is marked "done by
<helper> for <person>" in the case's history, recorded as an act under the mandate and
told to the person, whichever service function wrote it (submit, answer, document)."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from parcours.cases.models import CaseEvent

from .enums import ActKind
from .models import MandateCase
from .selectors import helper_of

ON_BEHALF = "on_behalf"


def _mandate_acting(event: CaseEvent):
    if not event.actor_id:
        return None
    actor_field = CaseEvent._meta.get_field("actor")
    if actor_field.is_cached(event) and helper_of(actor_field.get_cached_value(event)) is None:
        # Only a helper acts under a mandate. The actor is the signed-in user the service
        # was given, whose agent record the request has already read: no query here.
        return None
    link = (
        MandateCase.objects.filter(case_id=event.case_id, mandate__helper__user_id=event.actor_id)
        .select_related("mandate__helper__user")
        .first()
    )
    return link.mandate if link else None


@receiver(pre_save, sender=CaseEvent)
def mark_event_on_behalf(sender, instance: CaseEvent, raw=False, **kwargs):
    if raw or instance.pk is not None:
        return
    mandate = _mandate_acting(instance)
    if mandate is None:
        return
    instance.data = {
        **(instance.data or {}),
        ON_BEHALF: {
            "mandate_id": mandate.pk,
            "helper": mandate.helper.display_name,
            "person": mandate.person_name,
        },
    }


@receiver(post_save, sender=CaseEvent)
def record_act_for_event(sender, instance: CaseEvent, created=False, raw=False, **kwargs):
    if raw or not created or not (instance.data or {}).get(ON_BEHALF):
        return
    from .models import Mandate
    from .services import record_act

    mandate = Mandate.objects.get(pk=instance.data[ON_BEHALF]["mandate_id"])
    label = (
        instance.get_transition_display() if instance.transition else instance.get_kind_display()
    )
    reference = instance.case.reference
    description = (
        _("%(what)s — dossier n° %(reference)s") % {"what": label, "reference": reference}
        if reference
        else str(label)
    )
    record_act(
        mandate=mandate,
        kind=ActKind.CASE_EVENT,
        by=instance.actor,
        case=instance.case,
        description=description,
    )
