"""Weekly shift schedules: the evaluation lives in libs/common (insights counts scheduled agents
with it too); routing's modules keep importing it from here."""

from ticketflow_common.shifts import (
    WEEKDAYS,
    Shift,
    ShiftState,
    Weekday,
    is_on_shift,
    next_shift_change,
    shift_state,
)

__all__ = [
    "WEEKDAYS",
    "Shift",
    "ShiftState",
    "Weekday",
    "is_on_shift",
    "next_shift_change",
    "shift_state",
]
