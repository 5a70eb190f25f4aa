"""The case page's answers: the section "Vos réponses" and, in the history, what each
correction changed."""

from django import template

from parcours.cases.models import Case, CaseCorrection, CaseEvent
from parcours.catalog.form_definition import display_answer, visible_fields

register = template.Library()


@register.inclusion_tag("portal/correction/_answers_section.html", takes_context=True)
def case_answers_section(context, case: Case):
    """The current answers, with their questions, and the way to correct them."""
    definition = case.procedure_version.form_definition or {}
    answers = [
        {"label": field["label"], "value": display_answer(field, case.form_data.get(field["name"]))}
        for field in visible_fields(definition, case.form_data)
    ]
    return {
        "ui": context["ui"],
        "case": case,
        "answers": answers,
        "can_correct": case.is_correctable and case.person.user_id == context["user"].pk,
    }


@register.inclusion_tag("portal/correction/_changes.html")
def correction_changes(event: CaseEvent):
    """What a correction changed, old and new answers, for its line in the history."""
    correction = CaseCorrection.objects.filter(
        pk=(event.data or {}).get("correction_id"), case_id=event.case_id
    ).first()
    if correction is None:
        return {"changes": []}
    correction.case = event.case
    return {"changes": correction.changes_for_display()}
