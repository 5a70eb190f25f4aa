"""The data behind each chart as a table: shown beside the chart, and downloaded as
CSV. One structure for both, so the page and the file never disagree."""

import csv
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

SUPPRESSED = "—"


@dataclass
class Table:
    slug: str
    caption: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)

    def display_rows(self) -> list[list[str]]:
        return [[display(value) for value in row] for row in self.rows]

    def csv_response(self, filename: str) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        response.write("\ufeff")  # so that spreadsheet programs read the accents
        writer = csv.writer(response, delimiter=";")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([cell(value) for value in row])
        return response


class Percent(float):
    """A share, shown as a percentage."""


class Days(float):
    """A duration in days, shown with one decimal."""


def display(value) -> str:
    if value is None:
        return SUPPRESSED
    if isinstance(value, Percent):
        return f"{number_format(value * 100, 1)} %"
    if isinstance(value, Days):
        return number_format(value, 1)
    if isinstance(value, float):
        return number_format(value, 2)
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    return str(value)


def cell(value) -> str:
    """A CSV cell: numbers with a dot, nothing for a suppressed figure, and text that a
    spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, Percent):
        return f"{value * 100:.1f}"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
