"""The door of every back-office view."""

from collections.abc import Iterable
from functools import wraps
from http import HTTPStatus

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from parcours.organisations import permissions
from parcours.organisations.enums import AgentRole
from parcours.organisations.selectors import agent_for


def is_verified(user) -> bool:
    """Has this session passed the second factor (django-otp's middleware says so)?"""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def agent_required(view=None, *, roles: Iterable[str] | None = None):
    """Only for an active agent who works cases, signed in with their second factor,
    and, with ``roles``, whose role is one of them.

    Anonymous visitors are sent to the agents' sign-in, an agent whose session has not
    passed the second factor to the code page; a citizen, a helper or an agent without
    the role gets a polite page saying what this space is for (403). Sets
    ``request.agent`` and ``request.agent_is_manager``. Pages are never cached: they
    show people's data.
    """
    allowed = frozenset(roles) if roles else None

    def decorate(view):
        @never_cache
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("backoffice:login"))
            agent = agent_for(user)
            if not permissions.uses_backoffice(agent):
                reason = "helper" if agent is not None else "not_agent"
                return denied(request, reason)
            if not is_verified(user):
                return redirect_to_login(request.get_full_path(), reverse("backoffice:verify"))
            if allowed is not None and agent.role not in allowed:
                return denied(request, "role")
            request.agent = agent
            request.agent_is_manager = permissions.is_manager(agent)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def manager_required(view):
    """Only for unit managers and organisation administrators."""
    return agent_required(view, roles=permissions.MANAGER_ROLES)


def denied(request, reason: str):
    return render(
        request,
        "backoffice/denied.html",
        {"reason": reason, "helper_role": AgentRole.HELPER.label},
        status=HTTPStatus.FORBIDDEN,
    )
