"""The commitment flags shown in the back office: on a unit's queue, the items about to
miss their commitment or past it; on a case's page, its own flag. One query each."""

from django import template

from ..models import CommitmentAlert

register = template.Library()

SHOWN = 10


@register.inclusion_tag("commitments/_unit_alerts.html", takes_context=True)
def unit_commitment_alerts(context, unit):
    alerts = list(
        CommitmentAlert.objects.active()
        .filter(organisation_id=unit.organisation_id, unit=unit)
        .select_related("case", "message__case", "agent__user")
        .order_by("due_on", "pk")[: SHOWN + 1]
    )
    return {"ui": context.get("ui"), "alerts": alerts[:SHOWN], "more": len(alerts) > SHOWN}


@register.inclusion_tag("commitments/_case_alert.html", takes_context=True)
def case_commitment_alert(context, case):
    alert = (
        CommitmentAlert.objects.active()
        .filter(organisation_id=case.organisation_id, case=case)
        .select_related("commitment")
        .first()
    )
    return {"ui": context.get("ui"), "alert": alert}
