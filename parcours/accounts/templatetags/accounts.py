from django import template

from parcours.accounts import oidc

register = template.Library()


@register.simple_tag
def identity_provider_configured() -> bool:
    """Whether to show the FranceConnect button (no network access)."""
    return oidc.is_configured()
