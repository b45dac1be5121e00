"""Base of every request body model: strict, only text Postgres can store, finite numbers."""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

MAX_TEXT_CHARS = 20_000
MAX_SAFE_INTEGER = 2**53 - 1
EARLIEST_YEAR, LATEST_YEAR = 1900, 9000
OUT_OF_RANGE = f"must lie between the years {EARLIEST_YEAR} and {LATEST_YEAR}"
UNSTORABLE = "contains a NUL character or invalid Unicode"


def storable(value: Any) -> bool:
    """False for text with NUL characters or unpaired surrogates, at any depth."""
    return _fault(value) != UNSTORABLE


def _fault(value: Any) -> str | None:
    """What makes a value (at any depth) unfit: unstorable text, or a date out of range."""
    if isinstance(value, str):
        if "\x00" in value:
            return UNSTORABLE
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return UNSTORABLE
        return None
    if isinstance(value, date):
        return None if EARLIEST_YEAR <= value.year < LATEST_YEAR else OUT_OF_RANGE
    if isinstance(value, dict):
        return next(filter(None, (_fault(k) or _fault(v) for k, v in value.items())), None)
    if isinstance(value, list | tuple | set | frozenset):
        return next(filter(None, (_fault(v) for v in value)), None)
    return None


def bounded_instant(value: datetime) -> datetime:
    """For query parameters: far enough from datetime's limits for arithmetic on it."""
    if not EARLIEST_YEAR <= value.year < LATEST_YEAR:
        raise ValueError(OUT_OF_RANGE)
    return value


Instant = Annotated[datetime, AfterValidator(bounded_instant)]
SafeInt = Annotated[int, Field(ge=-MAX_SAFE_INTEGER, le=MAX_SAFE_INTEGER)]
FiniteFloat = Annotated[
    float, Field(allow_inf_nan=False, ge=-MAX_SAFE_INTEGER, le=MAX_SAFE_INTEGER)
]


class InputModel(BaseModel):
    """Unknown fields are refused, not silently dropped; text must be storable and at most
    MAX_TEXT_CHARS unless a field says less; NaN and infinities (JSON's 1e400) are refused;
    dates and instants lie far enough from datetime's limits for arithmetic on them."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_max_length=MAX_TEXT_CHARS)

    @field_validator("*", mode="after")
    @classmethod
    def _storable_and_in_range(cls, value: Any) -> Any:
        fault = _fault(value)
        if fault is not None:
            raise ValueError(fault)
        return value
