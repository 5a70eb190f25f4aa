from django.conf import settings


def theme(request):
    """The theme layer: templates extend ``theme_base`` and never name a theme themselves."""
    name = settings.PARCOURS_THEME if settings.PARCOURS_THEME in ("dsfr", "neutral") else "neutral"
    return {
        "theme": name,
        "theme_base": f"themes/{name}/base.html",
        "site_name": settings.PARCOURS_SITE_NAME,
    }
