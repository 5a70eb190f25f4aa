"""``manage.py check --deploy``: the webhooks' SSRF protection must be on in production."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def webhooks_protected(app_configs, **kwargs):
    warnings = []
    for name in ("PARCOURS_WEBHOOKS_ALLOW_HTTP", "PARCOURS_WEBHOOKS_ALLOW_PRIVATE"):
        if getattr(settings, name, False):
            warnings.append(
                Warning(
                    f"{name} is on: webhooks may be sent in clear or to internal addresses.",
                    hint="Turn it off in production (docs/webhooks.md).",
                    id=f"parcours.webhooks.W00{len(warnings) + 1}",
                )
            )
    return warnings
