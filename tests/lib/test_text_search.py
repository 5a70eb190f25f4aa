import pytest

from parcours.lib.text_search import digits, fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hélène LEFÈVRE", "helene lefevre"),
        ("Œuvre ÇA", "œuvre ca"),
        (None, ""),
        ('{"subject": "\\u00c9cole Jean-Jaur\\u00e8s"}', '{"subject": "ecole jean-jaures"}'),
        ("{not json \\u00e9", "{not json \\u00e9"),
    ],
)
def test_folding_drops_case_and_accents_and_reads_escaped_json(text, folded):
    assert fold(text) == folded


def test_digits_keep_only_the_digits():
    assert digits("06 12.34-56 78") == "0612345678"
    assert digits(None) == ""
