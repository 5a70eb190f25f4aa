"""The fields a procedure reserves for its agents (written in the studio, kept with each
version): the agents fill them in on the case page; the person never sees them.

Each save is an internal event of the case (a note, ``visible_to_citizen=False``) that
holds every value in ``data["private_fields"]``: the last one gives the current values,
the earlier ones what they were. Like the internal notes, they are not shown to the
person, nor sent, nor part of the copy of their data (``privacy.rights``), which holds
the events shown to them.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parcours.catalog import form_definition
from parcours.organisations import permissions
from parcours.organisations.selectors import agent_for
from parcours.studio.selectors import private_fields_of

from .enums import EventKind
from .errors import CaseError, NotAllowed
from .models import Case, CaseEvent

DATA_KEY = "private_fields"


def private_specs(case: Case) -> list[dict]:
    """The private fields of the version the case was filed under."""
    return private_fields_of(case.procedure_version)


def private_values(case: Case) -> dict:
    """The values last saved (empty before the first save)."""
    event = (
        CaseEvent.objects.filter(case=case, kind=EventKind.NOTE, data__has_key=DATA_KEY)
        .order_by("-created_at", "-pk")
        .only("data")
        .first()
    )
    return dict(event.data[DATA_KEY]) if event is not None else {}


def may_fill(agent, case: Case) -> bool:
    """The agents of the case's unit and its managers, as for internal notes."""
    return agent is not None and (
        permissions.may_handle(agent, case.unit) or permissions.may_manage(agent, case.unit)
    )


def case_save_private_fields(*, case: Case, by, values: dict) -> CaseEvent:
    """Check the values with the rules of the citizen's form and record them."""
    specs = private_specs(case)
    if not specs:
        raise CaseError(_("Cette démarche n'a pas de champ réservé aux agents."))
    try:
        cleaned = form_definition.clean_answers({"fields": specs}, values)
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        raise CaseError(
            _("Corrigez les champs signalés."),
            errors={name: list(messages) for name, messages in errors.items()},
        ) from None
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("unit").get(pk=case.pk)
        if not may_fill(agent_for(by), case):
            raise NotAllowed(
                _("Seuls les agents du service peuvent renseigner les champs de ce dossier.")
            )
        before = private_values(case)
        changed = [
            spec["label"] for spec in specs if before.get(spec["name"]) != cleaned.get(spec["name"])
        ]
        return CaseEvent.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            kind=EventKind.NOTE,
            actor=by,
            reason=_("Champs réservés aux agents mis à jour : %(labels)s.")
            % {"labels": ", ".join(changed) if changed else _("aucun changement")},
            visible_to_citizen=False,
            data={DATA_KEY: cleaned},
        )
