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


@register.simple_tag(takes_context=True)
def account_menu(context) -> dict:
    """What the header's account menu links to for the signed-in user, in one query:
    their profile and data (a record with an administration), the helpers' space (an
    active helper), the mandates they gave (at least one)."""
    user = getattr(context.get("request"), "user", None) or context.get("user")
    if not getattr(user, "is_authenticated", False):
        return {"has_people": False, "is_helper": False, "has_mandates": False}
    return selectors.account_menu(user)
