"""Reads on mandates, with the access rules built in.

A helper reaches a person's data only through an active mandate of that person, for
the procedures it lists, and only the cases started under it. Anything else is denied
with a message saying why (``MandateDenied``), checked again on every request, so a
revocation takes effect on the very next one.
"""

import datetime
import functools

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Exists, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parcours.lib.text_search import Folded, fold
from parcours.organisations.enums import AgentRole
from parcours.organisations.models import Agent
from parcours.organisations.selectors import agent_for

from .enums import MandateStatus
from .errors import MandateDenied
from .models import Mandate, MandateAct, MandateCase


def helper_of(user) -> Agent | None:
    """The active helper record of a signed-in user, or None."""
    agent = agent_for(user)
    return agent if agent is not None and agent.role == AgentRole.HELPER else None


def mandates_of_helper(user, query: str = "") -> QuerySet[Mandate]:
    """A helper's mandates, newest first, found by the person's name or email."""
    mandates = Mandate.objects.of_helper(user).prefetch_related("procedures")
    words = fold(query).split()[:5]
    if words:
        mandates = mandates.annotate(
            _folded=Folded(
                Concat(
                    "given_name",
                    Value(" "),
                    "family_name",
                    Value(" "),
                    "email",
                    output_field=TextField(),
                )
            )
        )
    for word in words:
        mandates = mandates.filter(_folded__contains=word)
    return mandates.order_by("-created_at", "-pk")


def account_menu(user) -> dict:
    """For the header's account menu, in one query: whether the user has a record with
    an administration (``has_people``), is an active helper (``is_helper``) and gave
    at least one mandate (``has_mandates``).

    Every page of a signed-in person asks this: the ORM compiles the statement once
    per database (its three ``EXISTS`` took about 1.5 ms of CPU to build on each
    request, ten times what the database takes to answer), then each request runs it
    with the user's id."""
    alias = router.db_for_read(Mandate) or DEFAULT_DB_ALIAS
    statement, params = _account_menu_statement(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(statement, [user.pk if p == _ANY_USER else p for p in params])
        row = cursor.fetchone()
    has_people, is_helper, has_mandates = row or (False, False, False)
    return {
        "has_people": bool(has_people),
        "is_helper": bool(is_helper),
        "has_mandates": bool(has_mandates),
    }


# Stands for the user's id in the compiled statement (no account has a negative id).
_ANY_USER = -7_294_001


@functools.cache
def _account_menu_statement(alias: str) -> tuple[str, tuple]:
    from parcours.accounts.models import User
    from parcours.people.models import Person

    queryset = (
        User.objects.filter(pk=_ANY_USER)
        .annotate(
            has_people=Exists(Person.objects.filter(user=OuterRef("pk"))),
            is_helper=Exists(
                Agent.objects.filter(user=OuterRef("pk"), role=AgentRole.HELPER, is_active=True)
            ),
            has_mandates=Exists(Mandate.objects.filter(user=OuterRef("pk"))),
        )
        .values_list("has_people", "is_helper", "has_mandates")[:1]
    )
    return queryset.query.get_compiler(alias).as_sql()


def mandates_of_person(user) -> QuerySet[Mandate]:
    """The mandates a person gave, newest first, with their helper and procedures."""
    if not getattr(user, "is_authenticated", False):
        return Mandate.objects.none()
    return (
        Mandate.objects.given_by(user)
        .select_related("helper__user", "helper__organisation")
        .prefetch_related("procedures")
        .order_by("-created_at", "-pk")
    )


def acts_of_person(user) -> QuerySet[MandateAct]:
    """Everything done under the person's mandates, newest first."""
    return (
        MandateAct.objects.filter(mandate__user=user)
        .select_related("mandate__helper__user", "case", "actor")
        .order_by("-created_at", "-pk")
    )


def denial_message(mandate: Mandate, today: datetime.date | None = None) -> str:
    """Why a mandate does not (or no longer) let its helper act."""
    status = mandate.status(today)
    name = mandate.person_name
    if status == MandateStatus.REVOKED:
        return _(
            "%(name)s a révoqué ce mandat le %(date)s : vous ne pouvez plus agir pour "
            "cette personne. Si elle souhaite à nouveau votre aide, créez un nouveau mandat "
            "avec elle."
        ) % {"name": name, "date": date_format(timezone.localtime(mandate.revoked_at), "j F Y")}
    if status == MandateStatus.EXPIRED:
        return _(
            "Le mandat de %(name)s a pris fin le %(date)s : vous ne pouvez plus agir pour "
            "cette personne. Créez un nouveau mandat avec elle si elle le souhaite."
        ) % {"name": name, "date": date_format(mandate.ends_on, "j F Y")}
    if status == MandateStatus.PENDING:
        return _(
            "Le mandat de %(name)s n'est pas encore confirmé : saisissez le code reçu par "
            "la personne."
        ) % {"name": name}
    if mandate.starts_on > (today or timezone.localdate()):
        return _("Le mandat de %(name)s ne commence que le %(date)s.") % {
            "name": name,
            "date": date_format(mandate.starts_on, "j F Y"),
        }
    return ""


def require_active(mandate: Mandate, *, procedure=None) -> None:
    """Raise ``MandateDenied`` unless the mandate lets its helper act now (for
    ``procedure``, when given)."""
    message = denial_message(mandate)
    if message:
        raise MandateDenied(message)
    if procedure is not None and not mandate.procedures.filter(pk=procedure.pk).exists():
        raise MandateDenied(
            _(
                "Le mandat de %(name)s ne couvre pas la démarche « %(title)s » : vous ne "
                "pouvez pas la faire pour cette personne."
            )
            % {"name": mandate.person_name, "title": procedure.title}
        )


def active_case_links_q(user, prefix: str = "mandate_link__mandate__") -> Q:
    """The cases a helper may act on: those started under one of their mandates
    that is active today (as a filter on ``Case``)."""
    today = timezone.localdate()
    return Q(
        **{
            f"{prefix}helper__user": user,
            f"{prefix}helper__is_active": True,
            f"{prefix}helper__role": AgentRole.HELPER,
            f"{prefix}confirmed_at__isnull": False,
            f"{prefix}revoked_at__isnull": True,
            f"{prefix}starts_on__lte": today,
            f"{prefix}ends_on__gte": today,
        }
    )


def deny_if_ended(user, *, case_id=None, reference: str | None = None) -> None:
    """Raise ``MandateDenied`` with its reason when ``user`` is the helper of a case
    started under a mandate that no longer lets them act."""
    if helper_of(user) is None:
        return
    links = MandateCase.objects.filter(mandate__helper__user=user).select_related("mandate")
    if case_id is not None:
        links = links.filter(case_id=case_id)
    elif reference:
        links = links.filter(case__reference=reference)
    else:
        return
    link = links.first()
    if link is not None and not link.mandate.is_active:
        raise MandateDenied(denial_message(link.mandate))


def mandate_of_case(case) -> Mandate | None:
    link = MandateCase.objects.filter(case=case).select_related("mandate__helper__user").first()
    return link.mandate if link else None


def acting_mandate(user, case) -> Mandate | None:
    """The active mandate under which ``user`` acts on ``case`` as a helper, if any."""
    if case is None or case.person.user_id == user.pk:
        return None
    mandate = mandate_of_case(case)
    if mandate is None or mandate.helper.user_id != user.pk or not mandate.is_active:
        return None
    return mandate


def covers_person(user, person) -> bool:
    """Does ``user`` hold, as a helper, an active mandate of this person?"""
    if person.user_id is None or helper_of(user) is None:
        return False
    return Mandate.objects.active().of_helper(user).filter(user_id=person.user_id).exists()
