from urllib.parse import urlsplit

from django import template
from django.urls import Resolver404, resolve

from parcours.accounts import oidc

register = template.Library()

# The pages of a draft being filled in: a person sent to sign in from one of them
# has lost their session in the middle of the form.
DRAFT_VIEWS = {
    "portal:apply_step",
    "portal:apply_documents",
    "portal:apply_document_remove",
    "portal:apply_review",
}


@register.simple_tag
def identity_provider_configured() -> bool:
    """Whether to show the FranceConnect button (no network access)."""
    return oidc.is_configured()


@register.simple_tag
def leads_back_to_a_draft(next_url: str) -> bool:
    """Whether the sign-in leads back into a draft (the session expired mid-form)."""
    if not next_url:
        return False
    try:
        return resolve(urlsplit(next_url).path).view_name in DRAFT_VIEWS
    except Resolver404:
        return False
