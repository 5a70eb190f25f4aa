"""``{% backoffice_navigation as groups %}``: the agents' navigation for this request
(``parcours.backoffice.navigation``)."""

from django import template

from ..navigation import navigation_for

register = template.Library()


@register.simple_tag(takes_context=True)
def backoffice_navigation(context):
    return navigation_for(context["request"])
