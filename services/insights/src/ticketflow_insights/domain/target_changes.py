"""A partial change of a team's targets: named fields set, an explicit null back to default."""

from typing import Any

from pydantic import Field, ValidationError

from ticketflow_common.input_model import InputModel
from ticketflow_insights.domain.targets import TARGET_FIELDS, TeamTargets


class TargetsUpdate(InputModel):
    """Only the fields present change; each within the bounds of `TeamTargets`."""

    first_response_seconds: float | None = Field(default=None, gt=0)
    resolution_seconds: float | None = Field(default=None, gt=0)
    service_level: float | None = Field(default=None, gt=0, lt=1)
    sla_achievement: float | None = Field(default=None, gt=0, le=1)
    csat_share: float | None = Field(default=None, gt=0, le=1)
    first_contact_resolution: float | None = Field(default=None, gt=0, le=1)
    reopen_rate: float | None = Field(default=None, ge=0, lt=1)
    cycle_time_baseline_seconds: float | None = Field(default=None, gt=0)
    cycle_time_reduction: float | None = Field(default=None, ge=0, lt=1)
    shrinkage: float | None = Field(default=None, ge=0, lt=1)
    patience_seconds: float | None = Field(default=None, gt=0)

    def changes(self) -> dict[str, float | None]:
        """The fields the caller named, with their new override (None: the default)."""
        return {
            name: getattr(self, name) for name in TARGET_FIELDS if name in self.model_fields_set
        }


def overrides_after(
    current: dict[str, float | None], changes: dict[str, float | None]
) -> dict[str, float | None]:
    """The stored overrides once `changes` apply; raises ValidationError if the targets they
    make are not valid together."""
    merged = {**current, **changes}
    TeamTargets(**{name: value for name, value in merged.items() if value is not None})
    return merged


def field_of(error: ValidationError) -> str:
    """The first field a validation error names."""
    errors: list[Any] = error.errors()
    location = errors[0]["loc"] if errors else ()
    return str(location[0]) if location else "body"
