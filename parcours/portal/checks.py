from django.conf import settings
from django.core.checks import Error, register

from parcours.lib.contrast import contrast_ratio

from .themes import THEMES

MINIMUM_CONTRAST = 4.5  # WCAG 2.1 AA, RGAA criterion 3.2


@register()
def theme_settings(app_configs, **kwargs):
    errors = []
    if settings.PARCOURS_THEME not in THEMES:
        errors.append(
            Error(
                f"PARCOURS_THEME must be one of {', '.join(THEMES)}, not {settings.PARCOURS_THEME!r}.",
                id="parcours.E001",
            )
        )
    pairs = [
        (
            "PARCOURS_BRAND_COLOUR_TEXT on PARCOURS_BRAND_COLOUR",
            settings.PARCOURS_BRAND_COLOUR_TEXT,
            settings.PARCOURS_BRAND_COLOUR,
        ),
        ("links in PARCOURS_BRAND_COLOUR on white", settings.PARCOURS_BRAND_COLOUR, "#ffffff"),
    ]
    for label, foreground, background in pairs:
        try:
            ratio = contrast_ratio(foreground, background)
        except ValueError as error:
            errors.append(Error(str(error), id="parcours.E002"))
            continue
        if ratio < MINIMUM_CONTRAST:
            errors.append(
                Error(
                    f"{label}: contrast {ratio:.2f}:1 is below {MINIMUM_CONTRAST}:1 (WCAG 2.1 AA).",
                    hint="Choose a darker brand colour, or another text colour.",
                    id="parcours.E003",
                )
            )
    return errors
