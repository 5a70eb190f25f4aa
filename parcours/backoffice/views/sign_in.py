"""Agents sign in in two steps: their address and password, then a code from their
authenticator app (enrolled on the first sign-in).

Nobody is signed in between the two steps: the password step only remembers, in the
session and for ``PARCOURS_AGENT_SIGN_IN_MAX_AGE`` seconds, whose password was right.
The session is opened, and marked as verified by django-otp, when the code is right.
"""

import time
from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate, login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from parcours.accounts import lockout, two_factor
from parcours.accounts.models import User
from parcours.accounts.views import safe_next
from parcours.organisations import permissions
from parcours.organisations.selectors import agent_for

from ..decorators import is_verified
from ..forms import AgentSignInForm, CodeForm

PENDING = "backoffice_sign_in"


def _next(request) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next", ""))


def _with_next(view_name: str, next_url: str) -> str:
    url = reverse(view_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _signed_in_agent(request):
    """The agent whose session has passed both steps, if any."""
    agent = agent_for(request.user)
    if permissions.uses_backoffice(agent) and is_verified(request.user):
        return agent
    return None


def _pending_user(request) -> tuple[User | None, str]:
    """Who is between the two steps, and the backend that checked their password: from
    the password step, or an agent already signed in without the second factor."""
    pending = request.session.get(PENDING)
    if pending and time.time() - pending["at"] <= settings.PARCOURS_AGENT_SIGN_IN_MAX_AGE:
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
        if user is not None and permissions.uses_backoffice(agent_for(user)):
            return user, pending["backend"]
    request.session.pop(PENDING, None)
    if request.user.is_authenticated and permissions.uses_backoffice(agent_for(request.user)):
        return request.user, request.session.get(BACKEND_SESSION_KEY, "")
    return None, ""


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def sign_in(request):
    next_url = _next(request)
    if _signed_in_agent(request):
        return redirect(next_url or "backoffice:home")
    form = AgentSignInForm(data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        credentials = {"username": email, "password": form.cleaned_data["password"]}
        # Axes refuses the check while this address is locked from this client; its
        # middleware then answers with the "too many attempts" page (accounts.lockout).
        user = authenticate(request, **credentials)
        if user is None and not getattr(request, "axes_locked_out", False):
            form.add_error(
                None,
                _(
                    "Adresse électronique ou mot de passe incorrect. Il vous reste "
                    "%(count)s essais avant un blocage temporaire."
                )
                % {"count": lockout.remaining_attempts(request, credentials)},
            )
        if user is not None:
            if not permissions.uses_backoffice(agent_for(user)):
                return render(
                    request,
                    "backoffice/sign_in/not_an_agent.html",
                    {"is_agent": agent_for(user) is not None},
                    status=HTTPStatus.FORBIDDEN,
                )
            # A new session key, so that nobody who knew the old one follows the agent in.
            request.session.cycle_key()
            request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "at": int(time.time()),
            }
            step = "backoffice:verify" if two_factor.confirmed_device(user) else "backoffice:enrol"
            return redirect(_with_next(step, next_url))
    return render(request, "backoffice/sign_in/password.html", {"form": form, "next": next_url})


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    next_url = _next(request)
    if _signed_in_agent(request):
        return redirect(next_url or "backoffice:home")
    user, backend = _pending_user(request)
    if user is None:
        messages.info(request, _("Connectez-vous avec votre adresse et votre mot de passe."))
        return redirect(_with_next("backoffice:login", next_url))
    if two_factor.confirmed_device(user) is None:
        return redirect(_with_next("backoffice:enrol", next_url))
    form = CodeForm(data=request.POST if request.method == "POST" else None)
    status = _check_code(request, form, user=user, backend=backend, enrolling=False)
    if status is None:
        return redirect(next_url or "backoffice:home")
    return render(
        request,
        "backoffice/sign_in/code.html",
        {"form": form, "next": next_url, "email": user.email},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request):
    next_url = _next(request)
    if _signed_in_agent(request):
        return redirect(next_url or "backoffice:home")
    user, backend = _pending_user(request)
    if user is None:
        messages.info(request, _("Connectez-vous avec votre adresse et votre mot de passe."))
        return redirect(_with_next("backoffice:login", next_url))
    if two_factor.confirmed_device(user) is not None:
        # A second device is never added here: losing one is solved by an administrator.
        return redirect(_with_next("backoffice:verify", next_url))
    device = two_factor.enrolment_device(user)
    form = CodeForm(data=request.POST if request.method == "POST" else None)
    status = _check_code(request, form, user=user, backend=backend, enrolling=True)
    if status is None:
        messages.success(
            request,
            _(
                "Votre application d'authentification est enregistrée. À chaque connexion, "
                "nous vous demanderons le code qu'elle affiche."
            ),
        )
        return redirect(next_url or "backoffice:home")
    secret = two_factor.secret_of(device)
    return render(
        request,
        "backoffice/sign_in/enrol.html",
        {
            "form": form,
            "next": next_url,
            "email": user.email,
            "secret": two_factor.grouped(secret),
            "qr_code": two_factor.qr_code_svg(device),
            "config_url": device.config_url,
        },
        status=status,
    )


def _check_code(request, form, *, user, backend: str, enrolling: bool) -> HTTPStatus | None:
    """Sign the agent in if the code is right (None); else the page's status, with the
    error on the form."""
    if request.method != "POST":
        try:
            two_factor.CODE_LOCKOUT.check(str(user.pk))
        except two_factor.LockedOut as error:
            form.add_error(None, error.message)
            return HTTPStatus.TOO_MANY_REQUESTS
        return HTTPStatus.OK
    if not form.is_valid():
        return HTTPStatus.OK
    try:
        device = two_factor.verify_code(
            user=user, code=form.cleaned_data["code"], enrolling=enrolling
        )
    except two_factor.LockedOut as error:
        form.add_error(None, error.message)
        return HTTPStatus.TOO_MANY_REQUESTS
    except two_factor.WrongCode as error:
        form.add_error(
            "code",
            " ".join(
                [
                    error.message,
                    _("Il vous reste %(count)s essais avant un blocage temporaire.")
                    % {"count": error.remaining},
                ]
            ),
        )
        return HTTPStatus.OK
    except two_factor.TwoFactorError as error:
        form.add_error(None, error.message)
        return HTTPStatus.OK
    request.session.pop(PENDING, None)
    login(request, user, backend=backend or "django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    return None


@require_POST
def sign_out(request):
    logout(request)
    messages.info(request, _("Vous êtes déconnecté de l'espace agents."))
    return redirect("backoffice:login")
