"""English is complete: every French string of the interface has its translation."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "parcours/locale/en/LC_MESSAGES/django.po"


@pytest.mark.sqlite
@pytest.mark.skipif(not shutil.which("msgfmt"), reason="make install brings gettext")
def test_the_english_catalogue_has_no_untranslated_or_fuzzy_entry():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=True,
    )

    assert "translated messages" in result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr
