"""An sla replica does not hold the holiday and iCalendar libraries until an operator uses them."""

import subprocess
import sys


def test_starting_sla_does_not_import_holiday_data_or_icalendar() -> None:
    probe = (
        "import sys, ticketflow_sla.main;"
        "print(sorted(m for m in ('holidays', 'icalendar', 'recurring_ical_events')"
        " if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
