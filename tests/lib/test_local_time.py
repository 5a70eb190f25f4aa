import datetime

import pytest

from parcours.lib.local_time import local_datetime, territory_timezone

pytestmark = pytest.mark.sqlite


@pytest.mark.parametrize(
    ("subdivision", "zone"),
    [
        ("", "Europe/Paris"),
        ("57", "Europe/Paris"),
        ("974", "Indian/Reunion"),
        ("973", "America/Cayenne"),
        ("PM", "America/Miquelon"),
    ],
)
def test_each_territory_has_its_clocks(subdivision, zone):
    assert territory_timezone(subdivision).key == zone


def test_a_time_that_does_not_exist_when_clocks_go_forward_is_none():
    paris = territory_timezone("")

    assert local_datetime(datetime.date(2026, 3, 29), datetime.time(2, 30), paris) is None
    assert local_datetime(datetime.date(2026, 3, 29), datetime.time(3, 30), paris).utcoffset() == (
        datetime.timedelta(hours=2)
    )


def test_a_time_that_happens_twice_when_clocks_go_back_is_its_first_occurrence():
    paris = territory_timezone("")

    moment = local_datetime(datetime.date(2026, 10, 25), datetime.time(2, 30), paris)

    assert moment.astimezone(datetime.UTC).strftime("%H:%M") == "00:30"
