"""The audit log every service keeps in its own schema: each change to configuration and access,
recorded in the transaction of the change, hash-chained, and published as `audit.recorded`."""

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
from pydantic import BaseModel, JsonValue

from ticketflow_common import topics
from ticketflow_common.events.audit import AuditActor, AuditChange, AuditRecorded
from ticketflow_common.outbox import emit

GENESIS_HASH = "0" * 64
"""The `previous_hash` of a chain's first entry."""
REDACTED = "[redacted]"
SECRET_NAME = re.compile(
    r"secret|token|password|passphrase|private_key|key_material|credential_hash|signing_key$",
    re.IGNORECASE,
)
"""Field names whose values never enter the log (webhook signing secrets, API key secrets)."""
SECRET_VALUE = re.compile(r"^(tfid|tfk)_[^.\s]+\.\S+$")
"""Values shaped like a Ticketflow API key (`tfid_<id>.<secret>`, `tfk_<id>.<secret>`)."""
SERVICE_TOKEN_ACTOR = AuditActor(subject="service-token", role="admin")
SYSTEM_ACTOR = AuditActor(subject="system", role="system")
"""Changes a worker or an operator command makes on its own."""


def canonical_json(value: object) -> bytes:
    """Sorted keys, no spaces, UTF-8 (not `\\u` escapes): the same bytes in every service."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _is_secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name))


def redact(value: Any) -> Any:
    """`value` with every secret-named field's value (at any depth) and key-shaped string
    replaced by `[redacted]`."""
    if isinstance(value, Mapping):
        return {
            str(k): REDACTED if _is_secret_name(str(k)) and v is not None else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str) and SECRET_VALUE.match(value):
        return REDACTED
    return value


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def diff(before: Any, after: Any, path: str = "") -> list[AuditChange]:
    """The fields that differ, by JSON path (`levels[0].delay_seconds`); objects are compared
    key by key (a missing one is null), lists of equal length item by item, anything else whole.
    A created or deleted entity lists each of its top-level fields."""
    if before is None and isinstance(after, Mapping) and path == "":
        before = {}
    if after is None and isinstance(before, Mapping) and path == "":
        after = {}
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        changes: list[AuditChange] = []
        for key in sorted(set(before) | set(after), key=str):
            changes.extend(diff(before.get(key), after.get(key), _join(path, str(key))))
        return changes
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [
            c
            for i, (b, a) in enumerate(zip(before, after, strict=True))
            for c in diff(b, a, _join(path, i))
        ]
    if before == after:
        return []
    if _is_secret_name(path.rsplit(".", 1)[-1].split("[", 1)[0]):
        before, after = (
            (None if before is None else REDACTED),
            (None if after is None else REDACTED),
        )
    return [AuditChange(path=path, before=redact(before), after=redact(after))]


def json_view(value: BaseModel | Mapping[str, Any] | Sequence[Any] | None) -> JsonValue:
    """The API's JSON view of an entity (a model as its route answers it)."""
    if value is None:
        return None
    if isinstance(value, BaseModel):
        dumped: JsonValue = value.model_dump(mode="json")
        return dumped
    loaded: JsonValue = json.loads(json.dumps(value, default=str))
    return loaded


def entry_hash(*, entry: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the entry's canonical JSON (`previous_hash` included, `hash` not)."""
    fields = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(canonical_json(fields)).hexdigest()


def _hashed_fields(
    *,
    sequence: int,
    entity: str,
    entity_id: str,
    action: str,
    actor: Any,
    before: Any,
    after: Any,
    changes: Any,
    recorded_at: datetime,
    previous_hash: str,
) -> dict[str, Any]:
    return {
        "sequence": sequence,
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "actor": actor,
        "before": before,
        "after": after,
        "changes": changes,
        "recorded_at": recorded_at.astimezone(UTC).isoformat(),
        "previous_hash": previous_hash,
    }


async def record_change(
    *,
    conn: asyncpg.Connection,
    service: str,
    actor: AuditActor,
    entity: str,
    entity_id: str,
    action: str,
    before: Any,
    after: Any,
    now: datetime,
) -> AuditRecorded:
    """Append one entry to the service's chain and emit it, in the caller's transaction (it
    commits or rolls back with the change); writers queue on a per-schema lock, so the chain
    stays linear. Secret-named fields are redacted before anything is stored or hashed."""
    raw_before, raw_after = json_view(before), json_view(after)
    changes = [c.model_dump(mode="json") for c in diff(raw_before, raw_after)]
    async with conn.transaction():
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':audit_log'))"
        )
        last = await conn.fetchrow(
            "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1"
        )
        sequence = 1 if last is None else last["sequence"] + 1
        previous_hash = GENESIS_HASH if last is None else last["hash"]
        # Hash the values as Postgres gives them back (jsonb normalises numbers and key order).
        stored = await conn.fetchrow(
            "SELECT $1::jsonb AS actor, $2::jsonb AS before, $3::jsonb AS after,"
            " $4::jsonb AS changes, date_trunc('microseconds', $5::timestamptz) AS recorded_at",
            actor.model_dump(mode="json"),
            redact(raw_before),
            redact(raw_after),
            changes,
            now,
        )
        assert stored is not None
        fields = _hashed_fields(
            sequence=sequence,
            entity=entity,
            entity_id=entity_id,
            action=action,
            actor=stored["actor"],
            before=stored["before"],
            after=stored["after"],
            changes=stored["changes"],
            recorded_at=stored["recorded_at"],
            previous_hash=previous_hash,
        )
        digest = entry_hash(entry=fields)
        await conn.execute(
            "INSERT INTO audit_log (sequence, entity, entity_id, action, actor, before, after,"
            " changes, recorded_at, previous_hash, hash)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            sequence,
            entity,
            entity_id,
            action,
            stored["actor"],
            stored["before"],
            stored["after"],
            stored["changes"],
            stored["recorded_at"],
            previous_hash,
            digest,
        )
        recorded = AuditRecorded(
            service=service,
            sequence=sequence,
            entity=entity,
            entity_id=entity_id,
            action=action,
            actor=AuditActor.model_validate(stored["actor"]),
            before=stored["before"],
            after=stored["after"],
            changes=[AuditChange.model_validate(c) for c in stored["changes"]],
            recorded_at=stored["recorded_at"],
            previous_hash=previous_hash,
            hash=digest,
        )
        await emit(conn, recorded, subject=service, now=now, source=topics.audit_source(service))
    return recorded


@dataclass(frozen=True)
class ChainReport:
    """What `verify_chain` found: how many entries it checked, and the first broken one."""

    entries: int
    last_hash: str
    broken_sequence: int | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_sequence is None


VERIFY_BATCH = 1000


def row_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """The hashed fields of a stored entry."""
    return _hashed_fields(
        sequence=row["sequence"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        action=row["action"],
        actor=row["actor"],
        before=row["before"],
        after=row["after"],
        changes=row["changes"],
        recorded_at=row["recorded_at"],
        previous_hash=row["previous_hash"],
    )


async def verify_chain(*, conn: asyncpg.Connection) -> ChainReport:
    """Recompute the chain from sequence 1: the first entry out of sequence (a gap), not naming
    its predecessor's hash, or whose content no longer matches its hash, breaks it."""
    expected, previous, checked = 1, GENESIS_HASH, 0
    while True:
        rows = await conn.fetch(
            "SELECT * FROM audit_log WHERE sequence >= $1 ORDER BY sequence LIMIT $2",
            expected,
            VERIFY_BATCH,
        )
        for row in rows:
            sequence = row["sequence"]
            if sequence != expected:
                return ChainReport(
                    checked, previous, expected, f"gap: sequence {expected} is missing"
                )
            if row["previous_hash"] != previous:
                return ChainReport(
                    checked,
                    previous,
                    sequence,
                    "previous_hash mismatch: it does not name the previous entry's hash",
                )
            if entry_hash(entry=row_fields(row)) != row["hash"]:
                return ChainReport(
                    checked, previous, sequence, "hash mismatch: the entry was changed"
                )
            expected, previous, checked = sequence + 1, row["hash"], checked + 1
        if len(rows) < VERIFY_BATCH:
            return ChainReport(checked, previous)


@dataclass(frozen=True)
class ServiceAudit:
    """`record_change` bound to one service's chain: what that service's commands call."""

    service: str

    async def __call__(
        self,
        *,
        conn: asyncpg.Connection,
        actor: AuditActor,
        entity: str,
        entity_id: str,
        action: str,
        before: Any,
        after: Any,
        now: datetime,
    ) -> AuditRecorded:
        return await record_change(
            conn=conn,
            service=self.service,
            actor=actor,
            entity=entity,
            entity_id=entity_id,
            action=action,
            before=before,
            after=after,
            now=now,
        )
