from django import template

from parcours.mandates import selectors

register = template.Library()


@register.inclusion_tag("helpers/_acting_banner.html", takes_context=True)
def acting_for_banner(context, case):
    """On the apply pages: the helper is reminded whom they act for, under which mandate."""
    request = context.get("request")
    user = getattr(request, "user", None)
    mandate = selectors.acting_mandate(user, case) if user is not None else None
    return {"mandate": mandate, "ui": context.get("ui")}
