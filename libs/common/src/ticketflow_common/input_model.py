"""Base of every request body and query model: strict, and only text Postgres can store."""

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator


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


class InputModel(BaseModel):
    """Unknown fields are refused, not silently dropped; text must be storable."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        if not storable(value):
            raise ValueError("contains a NUL character or invalid Unicode")
        return value
