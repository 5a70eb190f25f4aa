import logging
from http import HTTPStatus

import requests
from django.conf import settings
from django.contrib.auth import login
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views import View
from django.views.decorators.http import require_http_methods
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from . import oidc, services
from .forms import MagicLinkForm
from .models import User
from .tokens import magic_link_token

logger = logging.getLogger(__name__)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _minutes() -> int:
    return settings.PARCOURS_MAGIC_LINK_MAX_AGE // 60


def safe_next(request, url: str) -> str:
    """``url`` if it stays on this site, else an empty string."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def client_address(request) -> str:
    """The client's IP address, read past ``PARCOURS_PROXY_COUNT`` reverse proxies."""
    hops = settings.PARCOURS_PROXY_COUNT
    if hops:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [address.strip() for address in forwarded if address.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


# Email link --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def magic_link_request(request):
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    form = MagicLinkForm(data=request.POST or None)
    if form.is_valid():
        try:
            services.magic_link_request(
                email=form.cleaned_data["email"],
                client=client_address(request),
                base_url=f"{request.scheme}://{request.get_host()}",
                next_url=next_url,
            )
        except services.TooManyRequests:
            context = {"form": form, "next": next_url, "too_many": True, "minutes": _minutes()}
            return render(
                request,
                "accounts/magic_link_request.html",
                context,
                status=HTTPStatus.TOO_MANY_REQUESTS,
            )
        request.session["magic_link_email"] = form.cleaned_data["email"]
        return redirect("accounts:magic_link_sent")
    context = {"form": form, "next": next_url, "too_many": False, "minutes": _minutes()}
    return render(request, "accounts/magic_link_request.html", context)


def magic_link_sent(request):
    email = request.session.get("magic_link_email", "")
    return render(request, "accounts/magic_link_sent.html", {"email": email, "minutes": _minutes()})


@require_http_methods(["GET", "POST"])
def magic_link_confirm(request, uidb64, token):
    """GET only shows a button: mail scanners that open links do not use them up."""
    user = _user_from_uidb64(uidb64)
    if user is None or not magic_link_token.check_token(user, token):
        return render(request, "accounts/magic_link_invalid.html", {"minutes": _minutes()})
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.method == "POST":
        login(request, user, backend=MODEL_BACKEND)
        request.session.pop("magic_link_email", None)
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    return render(
        request, "accounts/magic_link_confirm.html", {"email": user.email, "next": next_url}
    )


def _user_from_uidb64(uidb64: str) -> User | None:
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        return User.objects.filter(pk=int(pk), is_active=True).first()
    except (TypeError, ValueError, OverflowError):
        return None


# Identity provider (OpenID Connect) --------------------------------------------------


def identity_provider_failed(request, *, status, conflict=False):
    context = {"conflict": conflict}
    return render(request, "accounts/identity_provider_failed.html", context, status=status)


class IdentityProviderStartView(OIDCAuthenticationRequestView):
    """Send the person to the provider, with a state and a nonce kept in the session."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)

    def get(self, request):
        if not oidc.is_configured():
            raise Http404
        try:
            provider = oidc.get_provider()
        except (requests.RequestException, ImproperlyConfigured):
            logger.exception("The identity provider cannot be reached")
            return identity_provider_failed(request, status=HTTPStatus.SERVICE_UNAVAILABLE)
        self.OIDC_OP_AUTH_ENDPOINT = provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class IdentityProviderCallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the person back here, with a code or an error."""

    def get(self, request):
        if not oidc.is_configured():
            raise Http404
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            logger.warning("Identity provider answer refused: %s", error)
            return identity_provider_failed(request, status=HTTPStatus.BAD_REQUEST)
        except (requests.RequestException, ImproperlyConfigured):
            logger.exception("The identity provider cannot be reached")
            return identity_provider_failed(request, status=HTTPStatus.BAD_GATEWAY)

    def login_success(self):
        response = super().login_success()
        identity = getattr(self.request, "certified_identity", None)
        if identity:
            self.request.session[services.CERTIFIED_IDENTITY_SESSION_KEY] = identity
        return response

    def login_failure(self):
        if getattr(self.request, "identity_conflict", False):
            return identity_provider_failed(self.request, status=HTTPStatus.CONFLICT, conflict=True)
        return identity_provider_failed(self.request, status=HTTPStatus.BAD_REQUEST)
