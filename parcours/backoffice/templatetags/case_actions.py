"""What the actions panel of the agent's case page offers, computed from the case and
the agent, so the case page's view does not have to know every action."""

from django import template

from parcours.cases import holding, queue
from parcours.cases.enums import CaseState
from parcours.cases.lifecycle import UNDER_REVIEW
from parcours.organisations import permissions

from ..case_forms import NoteForm

register = template.Library()


@register.simple_tag(takes_context=True)
def case_actions(context, case):
    request = context["request"]
    agent = getattr(request, "agent", None)
    may_act = holding.may_act(case, request.user)
    held_by_me = agent is not None and case.referent_id == agent.pk
    is_next = False
    if case.is_open and case.referent_id is None and may_act:
        following = queue.next_in_queue(case.unit)
        is_next = following is not None and following.pk == case.pk
    # Nobody holds it and it is not the next one: take it first, with a reason.
    must_take_first = case.is_open and case.referent_id is None and not is_next
    if must_take_first and not permissions.may_manage(agent, case.unit):
        may_act = False
    acts = case.is_open and may_act
    # The life cycle's steps are for agents of the unit (an organisation administrator
    # who works elsewhere may hand over or reroute, not review or decide).
    reviews = acts and permissions.may_handle(agent, case.unit)
    return {
        "may_act": acts,
        "held_by_me": held_by_me,
        "takes_on_acting": acts and case.referent_id is None and is_next,
        "may_start_review": reviews and case.state == CaseState.SUBMITTED,
        "may_request_information": reviews and case.state in UNDER_REVIEW,
        "may_decide": reviews and case.state in UNDER_REVIEW,
        "may_close": reviews,
        "may_message": may_act and case.state != CaseState.DRAFT,
        "may_note": permissions.may_handle(agent, case.unit)
        or permissions.may_manage(agent, case.unit),
        "note_form": NoteForm(auto_id="note-%s"),
        "opinion_requests": list(case.opinion_requests.select_related("to_unit")),
    }
