"""Public holidays of a country or region from the `holidays` package (offline, no upload).

`holidays` is imported where a preset is read: its country data is about 25 MiB that every sla
replica would otherwise hold for an operator's occasional request."""

from datetime import date, timedelta
from itertools import groupby

from pydantic import ConfigDict, Field

from ticketflow_common.input_model import InputModel
from ticketflow_sla.domain.calendars import Holiday
from ticketflow_sla.domain.holiday_import import MAX_HORIZON_YEARS, MAX_NAME_LENGTH

FIRST_YEAR, LAST_YEAR = 1900, 2200


class HolidayPreset(InputModel):
    """Which country's (and region's) public holidays to add, for which years."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"country": "CN", "years": [2026, 2027]}]},
    )

    country: str = Field(pattern=r"^[A-Z]{2,3}$", description="ISO 3166-1 code, e.g. CN, DE.")
    subdivision: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9-]{1,10}$", description="ISO 3166-2 part, e.g. BY."
    )
    years: list[int] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_HORIZON_YEARS,
        description="Default: the current year and the two after it, in the calendar's zone.",
    )
    language: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z]{2,3}(_[A-Za-z]{2})?$",
        description="Language of the names (default: the country's own, e.g. zh_CN for CN).",
    )


class PresetError(ValueError):
    """The preset names something the `holidays` package does not know."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def holidays_from_preset(preset: HolidayPreset, *, years: list[int]) -> list[Holiday]:
    """The preset's holidays; consecutive days of one name become one range."""
    for year in years:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise PresetError("years", f"{year} is not between {FIRST_YEAR} and {LAST_YEAR}")
    import holidays

    try:
        entity = holidays.country_holidays(preset.country)
    except (NotImplementedError, AttributeError, KeyError, ValueError):
        raise PresetError("country", f"no holidays known for {preset.country!r}") from None
    if preset.subdivision is not None and preset.subdivision not in entity.subdivisions:
        known = ", ".join(entity.subdivisions) or "none"
        raise PresetError("subdivision", f"{preset.country} has subdivisions {known}")
    language = preset.language or entity.default_language
    if language is not None and language not in entity.supported_languages:
        known = ", ".join(entity.supported_languages) or "none"
        raise PresetError("language", f"{preset.country} names holidays in {known}")
    found = holidays.country_holidays(
        preset.country, subdiv=preset.subdivision, years=sorted(set(years)), language=language
    )
    days = sorted((day, str(name)[:MAX_NAME_LENGTH]) for day, name in found.items())
    if not days:
        raise PresetError("years", f"no holidays known for {preset.country} in these years")
    return _ranges(days)


def _ranges(days: list[tuple[date, str]]) -> list[Holiday]:
    ranges: list[Holiday] = []
    for name, group in groupby(days, key=lambda d: d[1]):
        run: list[date] = []
        for day, _ in group:
            if run and day != run[-1] + timedelta(days=1):
                ranges.append(Holiday(first_day=run[0], last_day=run[-1], name=name))
                run = []
            run.append(day)
        ranges.append(Holiday(first_day=run[0], last_day=run[-1], name=name))
    return ranges
