from django.conf import settings

from .themes import THEMES


def theme(request):
    """Templates extend ``theme_base`` and take classes from ``ui``; they never name a theme."""
    name = settings.PARCOURS_THEME if settings.PARCOURS_THEME in THEMES else "neutral"
    return {
        "theme": name,
        "theme_base": f"themes/{name}/base.html",
        "ui": THEMES[name],
        "site_name": settings.PARCOURS_SITE_NAME,
        "brand": {
            "name": settings.PARCOURS_BRAND_NAME,
            "logo": settings.PARCOURS_BRAND_LOGO,
            "colour": settings.PARCOURS_BRAND_COLOUR,
            "colour_text": settings.PARCOURS_BRAND_COLOUR_TEXT,
        },
    }
