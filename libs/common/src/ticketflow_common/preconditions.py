"""RFC 9110 `If-Match` (section 13.1.1), parsed and evaluated in one place for every service."""

import re
from dataclasses import dataclass
from typing import Any

from ticketflow_common.problems import ProblemError, invalid_field

# entity-tag = [ W/ ] DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text (RFC 9110 8.8.3)
_ENTITY_TAG = re.compile(r'(W/)?"([\x21\x23-\x7e\x80-\xff]*)"')
_OWS = " \t"


@dataclass(frozen=True)
class EntityTag:
    """One entity tag: its opaque value (without quotes) and whether it is weak."""

    opaque: str
    weak: bool = False

    def __str__(self) -> str:
        return f'{"W/" if self.weak else ""}"{self.opaque}"'


@dataclass(frozen=True)
class IfMatch:
    """A parsed `If-Match` field: `*` (any current representation) or a list of entity tags."""

    tags: tuple[EntityTag, ...] = ()
    any: bool = False

    def matches(self, current: EntityTag | None) -> bool:
        """Strong comparison: a weak tag never matches; a list matches if any tag does."""
        if current is None:
            return False
        if self.any:
            return True
        return not current.weak and any(
            not tag.weak and tag.opaque == current.opaque for tag in self.tags
        )


class InvalidIfMatch(ValueError):
    """The field is neither `*` nor a comma-separated list of entity tags."""


def parse_if_match(value: str) -> IfMatch:
    """Parse `*` or `#entity-tag` (empty list elements and optional whitespace allowed)."""
    if value.strip(_OWS) == "*":
        return IfMatch(any=True)
    tags: list[EntityTag] = []
    position, end = 0, len(value)
    while position < end:
        char = value[position]
        if char in _OWS or char == ",":
            position += 1
            continue
        found = _ENTITY_TAG.match(value, position)
        if found is None:
            raise InvalidIfMatch(f'expected an entity tag such as "3" at {value[position:]!r}')
        tags.append(EntityTag(opaque=found.group(2), weak=found.group(1) is not None))
        position = found.end()
        while position < end and value[position] in _OWS:
            position += 1
        if position < end and value[position] != ",":
            raise InvalidIfMatch(f"expected a comma after {found.group(0)}")
    if not tags:
        raise InvalidIfMatch('expected "*" or at least one entity tag')
    return IfMatch(tags=tuple(tags))


@dataclass(frozen=True)
class WritePrecondition:
    """What a write must satisfy: the client's `If-Match`, if sent, and whether one is required."""

    if_match: IfMatch | None = None
    required: bool = False

    def check(self, current: EntityTag, *, what: str, **extra: Any) -> None:
        """428 when required but not sent; 412, naming the current ETag, when it does not hold."""
        if self.if_match is None:
            if self.required:
                raise ProblemError(
                    428,
                    f"changing {what} requires If-Match with its current ETag {current}",
                    headers={"ETag": str(current)},
                    **extra,
                )
            return
        if not self.if_match.matches(current):
            raise ProblemError(
                412,
                f"If-Match does not match the current ETag {current} of {what}"
                " (compared strongly: weak tags never match)",
                headers={"ETag": str(current)},
                **extra,
            )


def write_precondition(values: list[str], *, required: bool = False) -> WritePrecondition:
    """From every `If-Match` line of a request (combined as one list); 422 when malformed."""
    if not values:
        return WritePrecondition(required=required)
    try:
        parsed = parse_if_match(", ".join(values))
    except InvalidIfMatch as exc:
        raise invalid_field("header:If-Match", str(exc)) from exc
    return WritePrecondition(if_match=parsed, required=required)
