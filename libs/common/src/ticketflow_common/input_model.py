"""Base of every request body model: strict, only text Postgres can store, finite numbers."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

MAX_TEXT_CHARS = 20_000
MAX_SAFE_INTEGER = 2**53 - 1
EARLIEST_YEAR, LATEST_YEAR = 1900, 9000
UNSTORABLE = "contains a NUL character or invalid Unicode"


def storable(value: Any) -> bool:
    """False for text with NUL characters or unpaired surrogates, at any depth."""
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(storable(k) and storable(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(storable(v) for v in value)
    return True


def storable_text(value: str) -> str:
    """The one text check, for annotated types outside an InputModel."""
    if not storable(value):
        raise ValueError(UNSTORABLE)
    return value


def bounded_instant(value: datetime) -> datetime:
    """Far enough from datetime's limits that arithmetic on it (a 30-day default) cannot fail."""
    if not EARLIEST_YEAR <= value.year < LATEST_YEAR:
        raise ValueError(f"must lie between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


Instant = Annotated[datetime, AfterValidator(bounded_instant)]
StorableText = Annotated[str, AfterValidator(storable_text)]
SafeInt = Annotated[int, Field(ge=-MAX_SAFE_INTEGER, le=MAX_SAFE_INTEGER)]
FiniteFloat = Annotated[
    float, Field(allow_inf_nan=False, ge=-MAX_SAFE_INTEGER, le=MAX_SAFE_INTEGER)
]


class InputModel(BaseModel):
    """Unknown fields are refused, not silently dropped; text must be storable and at most
    MAX_TEXT_CHARS unless a field says less; NaN and infinities (JSON's 1e400) are refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_max_length=MAX_TEXT_CHARS)

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        if not storable(value):
            raise ValueError(UNSTORABLE)
        return value
