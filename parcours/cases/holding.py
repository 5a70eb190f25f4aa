"""Who may act on a case: the agent who holds it (its referent), or a manager.

Every agent action on an open case goes through ``ensure_may_act``: the transitions of
the life cycle (review, request information, decide, close) and the other work on a
case (message the citizen, hand over, reroute). When nobody holds the case, acting on it
first takes it, through ``queue.case_take`` and so through its rule: the next case of
the queue is taken as it is, any other one only with a reason, given on the "take"
page. Acting never makes an agent referent silently.
"""

from django.utils.translation import gettext as _

from parcours.organisations import permissions
from parcours.organisations.selectors import agent_for

from . import queue
from .errors import CaseError, NotAllowed
from .models import Case


def may_act(case: Case, user) -> bool:
    """Without changing anything: may ``user`` act on ``case`` now (holder, manager, or
    nobody holds it and they may take it)?"""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    agent = agent_for(user)
    if agent is None:
        return bool(user.is_superuser)
    if case.referent_id is not None and case.referent_id == agent.pk:
        return permissions.uses_backoffice(agent)
    if permissions.may_manage(agent, case.unit):
        return True
    return case.referent_id is None and permissions.may_handle(agent, case.unit)


def ensure_may_act(case: Case, by) -> Case:
    """Check that ``by`` may act on ``case`` (locked by the caller), taking it first if
    nobody holds it. Returns the case with its referent up to date."""
    if by is None or not getattr(by, "is_authenticated", False):
        raise NotAllowed()
    agent = agent_for(by)
    if agent is None:
        if by.is_superuser:  # the platform's administrators, scripts and the demo
            return case
        raise NotAllowed()
    if case.referent_id is not None and case.referent_id == agent.pk:
        return case
    if case.referent_id is None and permissions.may_handle(agent, case.unit):
        try:
            taken = queue.case_take(case=case, by=by)
        except CaseError as error:
            if error.field != "reason":
                raise
            raise CaseError(
                _(
                    "Personne ne suit ce dossier et ce n'est pas le prochain de la file : "
                    "prenez-le d'abord en disant pourquoi (« Prendre ce dossier »)."
                ),
                field="take",
            ) from None
        case.referent = taken.referent
        return case
    if permissions.may_manage(agent, case.unit):
        return case
    if case.referent_id is not None:
        raise NotAllowed(
            _(
                "%(name)s suit ce dossier : seul son interlocuteur, ou un responsable du "
                "service, peut agir dessus."
            )
            % {"name": case.referent.display_name}
        )
    raise NotAllowed(_("Seuls les agents du service peuvent agir sur ce dossier."))
