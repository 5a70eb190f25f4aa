"""The charts' axis labels: a label too wide for its room wraps onto two lines instead
of running into its neighbours; a short one, or one without a space, stays whole."""

import re

from parcours.stats.charts import Series, bar_chart, line_chart

CHANNELS = [
    "Au guichet",
    "Par courriel",
    "Par un aidant",
    "En ligne",
    "Signalement Open311",
    "Par téléphone",
    "Par courrier",
]


def label_lines(svg: str) -> list[list[str]]:
    return [
        re.findall(r"<tspan[^>]*>([^<]*)</tspan>", text)
        for text in re.findall(r'<text [^>]*text-anchor="middle"[^>]*>(.*?)</text>', svg)
    ]


def test_a_label_wider_than_its_room_wraps_at_its_middle_space():
    svg = bar_chart(
        "c",
        title="Délai",
        description="Délai par canal",
        labels=CHANNELS,
        series=[Series("Médiane", [12, 8.5, 11.7, 9.9, 11.3, 10.5, None])],
    )

    lines = label_lines(svg)

    assert ["Signalement", "Open311"] in lines
    assert ["Au guichet"] in lines
    assert ["En ligne"] in lines
    assert len(lines) == len(CHANNELS)
    # The second line sits under the first, not on the legend.
    assert 'dy="1.15em">Open311</tspan>' in svg


def test_labels_with_room_stay_on_one_line():
    svg = line_chart(
        "d",
        title="Dossiers",
        description="Dossiers par mois",
        labels=["janv. 2026", "févr. 2026", "mars 2026"],
        series=[Series("Reçus", [3, 4, 5])],
    )

    assert label_lines(svg) == [["janv. 2026"], ["févr. 2026"], ["mars 2026"]]
