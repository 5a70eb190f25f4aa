import pytest

from parcours.lib.contrast import contrast_ratio
from parcours.portal.checks import theme_settings


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("foreground", "background", "expected"),
    [("#000000", "#ffffff", 21.0), ("#fff", "#fff", 1.0), ("#767676", "#ffffff", 4.54)],
)
def test_contrast_ratio_follows_wcag(foreground, background, expected):
    assert contrast_ratio(foreground, background) == pytest.approx(expected, abs=0.01)


@pytest.mark.sqlite
def test_a_colour_that_is_not_hex_is_refused():
    with pytest.raises(ValueError, match="Not a hex colour"):
        contrast_ratio("blue", "#ffffff")


@pytest.mark.sqlite
def test_the_system_check_refuses_a_brand_colour_too_pale_for_white_text(settings):
    settings.PARCOURS_BRAND_COLOUR = "#9ecbf0"

    errors = theme_settings(None)

    assert [e.id for e in errors] == ["parcours.E003", "parcours.E003"]


@pytest.mark.sqlite
def test_the_system_check_refuses_an_unknown_theme(settings):
    settings.PARCOURS_THEME = "marianne"

    assert [e.id for e in theme_settings(None)] == ["parcours.E001"]


@pytest.mark.sqlite
def test_the_default_brand_passes_the_system_check():
    assert theme_settings(None) == []
