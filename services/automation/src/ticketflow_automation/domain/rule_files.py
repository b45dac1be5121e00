"""Rules as files people keep: YAML in and out, and every refusal naming its place the way a
person finds it (`rules[2].actions[0].priority`, `when.all[1].op`).

A file is one mapping, `rules:` a list of rule definitions. Anchors and aliases are refused
(no billion laughs, and a rule reads as written); YAML 1.1's `on`/`yes`/`no` booleans and
timestamps are plain text here, so `on: [ticket.created]` means what it says."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from ticketflow_automation.domain.rules import RuleDefinition

MAX_FILE_BYTES = 1_000_000
MAX_FILE_RULES = 2000
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Refusal:
    """One reason a definition or file is refused, and where."""

    field: str
    reason: str


class RefusedFile(ValueError):
    """The file (or definition) is not accepted; `refusals` says where and why."""

    def __init__(self, refusals: Sequence[Refusal]) -> None:
        super().__init__("; ".join(f"{r.field}: {r.reason}" for r in refusals))
        self.refusals = list(refusals)


def field_name(loc: Loc, prefix: str = "") -> str:
    """`("when", "all", 1, "op")` as `when.all[1].op` (after `prefix`, e.g. `rules[2]`)."""
    name = prefix
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name


def _condition_tag(value: Mapping[str, Any]) -> str:
    return next((key for key in ("all", "any", "not") if key in value), "field")


def _child(value: Any, part: str | int) -> tuple[bool, Any]:
    if isinstance(value, dict) and part in value:
        return True, value[part]
    if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
        return True, value[part]
    return False, None


def input_loc(loc: Loc, document: Any, *, missing: bool = False) -> Loc:
    """The parts of a pydantic `loc` that walk `document`: union tags (an action's `type`,
    a condition's kind) and schema names are left out; a missing field keeps its name."""
    path: list[str | int] = []
    value, in_when, tag_skipped = document, False, False
    for position, part in enumerate(loc):
        last, parent = position == len(loc) - 1, value
        if isinstance(value, dict) and isinstance(part, str) and not tag_skipped:
            is_tag = value.get("type") == part or (in_when and _condition_tag(value) == part)
            if is_tag and not last:
                tag_skipped = True
                continue
        found, child = _child(value, part)
        if found:
            value, tag_skipped = child, False
        elif not (missing and last):
            continue
        if part == "when" and isinstance(parent, dict) and "actions" in parent:
            in_when = True
        path.append(part)
    return tuple(path)


def validation_refusals(exc: ValidationError, document: Any, prefix: str = "") -> list[Refusal]:
    """pydantic's errors, each naming the field as the document spells it."""
    refusals = []
    for error in exc.errors():
        loc = input_loc(tuple(error["loc"]), document, missing=error["type"] == "missing")
        reason = str(error["msg"])
        if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc, reason = (*loc, "type"), _tag_reason(error)
        elif not loc and "`on`" in reason:
            loc = ("on",)
        refusals.append(Refusal(field=field_name(loc, prefix) or prefix or "body", reason=reason))
    return refusals


def _tag_reason(error: Any) -> str:
    expected = str(error.get("ctx", {}).get("expected_tags", ""))
    return f"unknown action type; one of {expected}" if expected else str(error["msg"])


def parse_definition(document: Any, prefix: str = "") -> RuleDefinition:
    """A definition from JSON or YAML data; `RefusedFile` naming each bad field."""
    try:
        return RuleDefinition.model_validate(document)
    except ValidationError as exc:
        raise RefusedFile(validation_refusals(exc, document, prefix)) from None


class _RuleLoader(yaml.SafeLoader):
    """Safe YAML with no anchors or aliases, duplicate keys refused, and only `true`/`false`
    as booleans (YAML 1.1's `on` would turn a rule's trigger into `True`)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                None, None, "aliases are not accepted; write the value out", event.start_mark
            )
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if getattr(event, "anchor", None) is not None:
            raise yaml.MarkedYAMLError(
                None, None, "anchors are not accepted; write the value out", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                repeated = key in seen
            except TypeError:  # an unhashable key: the safe loader refuses it itself
                continue
            if repeated:
                raise yaml.MarkedYAMLError(
                    None, None, f"the key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_RuleLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_RuleLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_yaml(text: bytes | str) -> Any:
    """One YAML document; `RefusedFile` naming `body` (with line and column) if it is not."""
    if len(text) > MAX_FILE_BYTES:
        raise RefusedFile([Refusal("body", f"larger than {MAX_FILE_BYTES} bytes")])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise RefusedFile([Refusal("body", "is not UTF-8 text")]) from None
    loader = _RuleLoader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise RefusedFile([Refusal("body", f"is not accepted YAML: {_yaml_reason(exc)}")]) from None
    except RecursionError:
        raise RefusedFile([Refusal("body", "is nested too deeply")]) from None
    finally:
        loader.dispose()


def _yaml_reason(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        return f"{exc.problem or exc.context or 'malformed'}{where}"
    return str(exc)


def parse_rule_file(text: bytes | str) -> list[RuleDefinition]:
    """The rules of a file, all valid with distinct names, or `RefusedFile` naming every
    refusal (`rules[2].actions[0].priority`)."""
    document = load_yaml(text)
    if not isinstance(document, dict):
        raise RefusedFile([Refusal("body", "must be a mapping with a `rules:` list")])
    extra = sorted(str(k) for k in document if k != "rules")
    if extra:
        raise RefusedFile([Refusal(k, "unknown key; a rule file has only `rules`") for k in extra])
    rules = document.get("rules")
    if not isinstance(rules, list):
        raise RefusedFile([Refusal("rules", "must be a list of rules")])
    if len(rules) > MAX_FILE_RULES:
        raise RefusedFile([Refusal("rules", f"more than {MAX_FILE_RULES} rules")])
    refusals: list[Refusal] = []
    parsed: list[RuleDefinition] = []
    for index, item in enumerate(rules):
        try:
            parsed.append(parse_definition(item, f"rules[{index}]"))
        except RefusedFile as exc:
            refusals.extend(exc.refusals)
    first_of: dict[str, int] = {}
    for index, definition in enumerate(parsed if not refusals else []):
        if definition.name in first_of:
            refusals.append(
                Refusal(
                    f"rules[{index}].name", f"also the name of rules[{first_of[definition.name]}]"
                )
            )
        first_of.setdefault(definition.name, index)
    if refusals:
        raise RefusedFile(refusals)
    return parsed


def rule_file(definitions: Sequence[Mapping[str, Any]]) -> str:
    """The YAML of stored definitions (their JSON form), Chinese as written."""
    return yaml.safe_dump(
        {"rules": [dict(d) for d in definitions]},
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
