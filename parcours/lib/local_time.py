"""Wall-clock time where a unit is: mainland France, or an overseas territory.

A unit's opening hours are written in its own local time. The territory comes from
the unit's ``holiday_subdivision`` (the ``holidays`` package's codes, empty for
mainland France), which also says which public holidays apply.
"""

import datetime
from zoneinfo import ZoneInfo

MAINLAND = "Europe/Paris"

# holidays' subdivision code -> IANA time zone. Alsace and Moselle follow mainland time.
TIME_ZONES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "976": "Indian/Mayotte",
    "BL": "America/St_Barthelemy",
    "MF": "America/Marigot",
    "PM": "America/Miquelon",
}


def territory_timezone(subdivision: str = "") -> ZoneInfo:
    """The time zone of a territory, mainland France by default."""
    return ZoneInfo(TIME_ZONES.get(subdivision or "", MAINLAND))


def local_datetime(
    day: datetime.date, time: datetime.time, tz: ZoneInfo
) -> datetime.datetime | None:
    """``day`` at ``time`` on the clocks of ``tz``, or None when that time does not exist
    (skipped when clocks go forward). A time that happens twice, when clocks go back,
    is taken at its first occurrence."""
    moment = datetime.datetime.combine(day, time, tzinfo=tz)
    round_trip = moment.astimezone(datetime.UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment
