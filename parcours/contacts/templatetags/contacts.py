from django import template

from parcours.contacts import selectors

register = template.Library()


@register.inclusion_tag("contacts/_case_messages_section.html", takes_context=True)
def case_messages_section(context, case):
    """The case page's "Messages" section: the thread and a link to write, for the person."""
    user = context["user"]
    is_owner = case.person.user_id == user.pk
    return {
        "ui": context["ui"],
        "case": case,
        "is_owner": is_owner,
        "thread": list(selectors.messages_of_case(user, case)) if is_owner else [],
    }
