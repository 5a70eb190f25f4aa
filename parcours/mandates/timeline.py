"""The person's timeline in the back office: what a helper did for them under a
mandate, on the cases the agent may read, and the mandates given and revoked."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import MandateAct


def mandate_entries(person, scope, limit: int) -> list:
    from parcours.people.timeline import Entry

    on_cases = Q(case__person=person, case__organisation_id=scope.organisation_id) & scope.q(
        unit="case__unit", case="case"
    )
    wanted = on_cases
    if person.user_id is not None:
        wanted |= Q(
            case__isnull=True,
            mandate__user_id=person.user_id,
            mandate__procedures__organisation_id=scope.organisation_id,
        )
    acts = (
        MandateAct.objects.filter(wanted)
        .select_related("mandate__helper__user", "case__unit")
        .distinct()
        .order_by("-created_at", "-pk")[:limit]
    )
    return [
        Entry(
            at=act.created_at,
            kind="mandate",
            kind_label=_("Acte sous mandat"),
            title=act.description,
            url=reverse("backoffice:case", args=[act.case.reference])
            if act.case_id and act.case.reference
            else "",
            detail=_("Fait par %(helper)s pour %(person)s")
            % {"helper": act.mandate.helper.display_name, "person": act.mandate.person_name},
            unit_name=act.case.unit.name if act.case_id else "",
        )
        for act in acts
    ]
