"""The achievement report: how often each policy's targets were met, and how fast."""

from typing import Any

from pydantic import BaseModel, Field

from ticketflow_common.events.sla import Metric


class AchievementRow(BaseModel):
    policy: str
    team: str | None
    metric: Metric
    met: int = Field(description="Met on time.")
    breached: int = Field(description="Breached, whether met late, still open or cancelled.")
    in_progress: int
    cancelled: int
    achievement_ratio: float | None = Field(description="met / (met + breached).")
    p50_business_seconds: float | None = Field(description="Of clocks met, on time or late.")
    p90_business_seconds: float | None

    @classmethod
    def from_counts(cls, **counts: Any) -> "AchievementRow":
        decided = counts["met"] + counts["breached"]
        ratio = counts["met"] / decided if decided else None
        return cls(**counts, achievement_ratio=ratio)
