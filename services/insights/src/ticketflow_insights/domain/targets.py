"""What each team aims for; defaults from the source documents' standards."""

from pydantic import BaseModel, Field

HOUR = 3600.0


class TeamTargets(BaseModel):
    """A team's targets; every field has the organisation's default."""

    first_response_seconds: float = Field(default=HOUR, gt=0)
    resolution_seconds: float = Field(default=48 * HOUR, gt=0, description="Industry benchmark.")
    service_level: float = Field(
        default=0.80, gt=0, lt=1, description="Share answered within first_response_seconds."
    )
    sla_achievement: float = Field(default=0.95, gt=0, le=1)
    csat_share: float = Field(default=0.90, gt=0, le=1, description="Share of ratings 4-5.")
    first_contact_resolution: float = Field(default=0.70, gt=0, le=1)
    reopen_rate: float = Field(default=0.05, ge=0, lt=1, description="At most.")
    cycle_time_baseline_seconds: float = Field(default=72 * HOUR, gt=0)
    cycle_time_reduction: float = Field(default=0.20, ge=0, lt=1, description="Cut by this share.")
    shrinkage: float = Field(default=0.30, ge=0, lt=1, description="Scheduled time not on tickets.")
    patience_seconds: float | None = Field(
        default=None, gt=0, description="Mean time before a requester gives up: Erlang A if set."
    )

    @property
    def cycle_time_target_seconds(self) -> float:
        return self.cycle_time_baseline_seconds * (1 - self.cycle_time_reduction)


TARGET_FIELDS: tuple[str, ...] = tuple(TeamTargets.model_fields)
