"""Rules as one YAML file: export every live rule, import a file all or nothing (upsert by
name; `prune` deletes the rules the file leaves out). Export then import changes nothing."""

from datetime import datetime

import asyncpg
from pydantic import BaseModel

from ticketflow_automation.commands.rules import (
    refused,
    rule_refusals,
    store_changed_rule,
    store_deleted_rule,
    store_new_rule,
)
from ticketflow_automation.domain.rule_files import Refusal, RefusedFile, parse_rule_file, rule_file
from ticketflow_automation.store.rule_set import bump_rule_set
from ticketflow_automation.store.rules import all_live_rules, stored_definition
from ticketflow_common.events.audit import AuditActor


class ImportReport(BaseModel):
    """What the import did, by rule name."""

    created: list[str]
    updated: list[str]
    unchanged: list[str]
    deleted: list[str]


async def export_rules(*, conn: asyncpg.Connection) -> str:
    rows = await all_live_rules(conn=conn)
    return rule_file([stored_definition(r.definition) for r in rows])


async def import_rules(
    *,
    conn: asyncpg.Connection,
    text: bytes,
    prune: bool,
    actor: AuditActor,
    now: datetime,
) -> ImportReport:
    """All or nothing: any refusal (422 naming `rules[i]...`) or taken name (409) changes no
    rule; each change is audited, the rule set bumped once."""
    try:
        definitions = parse_rule_file(text)
    except RefusedFile as exc:
        raise refused(exc.refusals) from None
    report = ImportReport(created=[], updated=[], unchanged=[], deleted=[])
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':rules'))")
        refusals: list[Refusal] = []
        for index, definition in enumerate(definitions):
            refusals += await rule_refusals(
                conn=conn, definition=definition, prefix=f"rules[{index}]"
            )
        if refusals:
            raise refused(refusals)
        live = {row.definition.name: row for row in await all_live_rules(conn=conn, lock=True)}
        named = {d.name for d in definitions}
        if prune:
            for name, row in live.items():
                if name not in named:
                    await store_deleted_rule(conn=conn, before=row, actor=actor, now=now)
                    report.deleted.append(name)
        for definition in definitions:
            before = live.get(definition.name)
            if before is None:
                await store_new_rule(conn=conn, definition=definition, actor=actor, now=now)
                report.created.append(definition.name)
            elif stored_definition(before.definition) == stored_definition(definition):
                report.unchanged.append(definition.name)
            else:
                await store_changed_rule(
                    conn=conn, before=before, definition=definition, actor=actor, now=now
                )
                report.updated.append(definition.name)
        if report.created or report.updated or report.deleted:
            await bump_rule_set(conn=conn)
    return report
