from tests.appointments.conftest import (  # noqa: F401 - fixtures shared with the domain tests
    counter,
    on_monday_morning,
    opening_hours,
)
