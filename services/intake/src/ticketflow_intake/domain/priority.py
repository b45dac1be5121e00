"""Priority from impact and urgency, as the ITIL matrix derives it."""

from typing import Literal

from ticketflow_common.events.common import Priority

Level = Literal["low", "medium", "high"]

MATRIX: dict[tuple[Level, Level], Priority] = {
    ("high", "high"): "urgent",
    ("high", "medium"): "high",
    ("medium", "high"): "high",
    ("high", "low"): "normal",
    ("medium", "medium"): "normal",
    ("low", "high"): "normal",
    ("medium", "low"): "low",
    ("low", "medium"): "low",
    ("low", "low"): "low",
}
PRIORITY_RANK: dict[Priority, int] = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


def derive_priority(impact: Level, urgency: Level) -> Priority:
    return MATRIX[(impact, urgency)]
