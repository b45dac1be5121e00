"""Automation end to end over real Kafka and Postgres, people signed in with identity: a lead
imports a Chinese rule as YAML; a ticket filed with 打印机 in its subject is made urgent,
transferred to facilities and tagged by intake, its timeline says which rule fired and why,
and the rule's own changes do not fire it again; an agent previews and applies a macro whose
public reply shows in the ticket's conversation, once."""

from typing import Any

import httpx
import pytest

from tests.polling import eventually
from tests.running_system import WITH_AUTOMATION, System
from tests.support.pages import every_item

pytestmark = pytest.mark.e2e

RULE = "紧急打印机"
WITNESS = "打印机标签备注"
RULES_YAML = f"""
rules:
  - name: {RULE}
    description: 打印机工单转给 facilities / printer tickets to facilities
    position: 10
    on: [ticket.created, ticket.updated, ticket.transferred]
    when:
      any:
        - {{field: ticket.subject, op: contains_text, value: 打印机}}
        - {{field: ticket.subject, op: contains_text, value: printer}}
    actions:
      - {{type: set_priority, priority: urgent}}
      - {{type: set_team, team: facilities}}
      - {{type: add_tags, tags: [打印机]}}
  # Fires on the last change the first rule makes (its tag), so once its firing shows,
  # automation has seen every change of the first rule: the first must not have fired again.
  - name: {WITNESS}
    position: 20
    on: [ticket.updated]
    when: {{field: ticket.tags, op: contains, value: 打印机}}
    actions:
      - {{type: add_note, body: "规则「{{{{ rule.name }}}}」看到了标签 打印机"}}
    limit: {{firings: 1, per_minutes: 60}}
"""
MACRO = {
    "name": "打印机卡纸回复 / printer jam reply",
    "description": "公开回复卡纸步骤 / the jam steps as a public reply",
    "actions": [
        {
            "type": "add_reply",
            "body": "您好 关于「{{ ticket.subject }}」 请打开前盖取出卡纸 然后重新开机。",
        },
        {"type": "add_tags", "tags": ["卡纸"]},
    ],
}
SUBJECT = "三楼的打印机又卡纸了"


@pytest.fixture(scope="module")
def system_services() -> tuple[str, ...]:
    return WITH_AUTOMATION


async def person_token(http: httpx.AsyncClient, system: System, *, role: str, name: str) -> str:
    """An access token of a new identity person with `role`, as they sign in: the admin
    makes the principal and its API key, the person exchanges the key at POST /token."""
    identity = system.url("identity")
    made = await http.post(
        f"{identity}/principals",
        json={"kind": "person", "display_name": name, "role": role,
              "email": f"{role}-{len(name)}@ticketflow.test", "teams": ["facilities"]},
        headers=system.auth("identity"),
    )  # fmt: skip
    assert made.status_code == 201, made.text
    key = await http.post(
        f"{identity}/principals/{made.json()['principal_id']}/keys",
        json={"name": f"{role} e2e"},
        headers=system.auth("identity"),
    )
    assert key.status_code == 201, key.text
    token = await http.post(
        f"{identity}/token",
        data={"grant_type": "client_credentials", "client_secret": key.json()["token"]},
    )
    assert token.status_code == 200, token.text
    access: str = token.json()["access_token"]
    return access


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_rule_and_a_macro_change_a_chinese_printer_ticket(system: System) -> None:
    intake, automation = system.url("intake"), system.url("automation")
    async with httpx.AsyncClient(timeout=15) as http:
        team = await http.put(
            f"{system.url('routing')}/teams/facilities",
            json={"name": "Facilities 后勤"},
            headers=system.auth("routing"),
        )
        assert team.status_code == 200, team.text
        lead = bearer(await person_token(http, system, role="lead", name="组长 Lead"))
        agent = bearer(await person_token(http, system, role="agent", name="坐席 Agent"))

        refused = await http.post(
            f"{automation}/rules/import",
            content=RULES_YAML.replace("priority: urgent", "priority: 非常急"),
            headers={**lead, "Content-Type": "application/yaml"},
        )
        assert refused.status_code == 422, refused.text
        assert "rules[0].actions[0].priority" in refused.text
        not_lead = await http.post(
            f"{automation}/rules/import",
            content=RULES_YAML,
            headers={**agent, "Content-Type": "application/yaml"},
        )
        assert not_lead.status_code == 403, not_lead.text

        imported = await http.post(
            f"{automation}/rules/import",
            content=RULES_YAML,
            headers={**lead, "Content-Type": "application/yaml"},
        )
        assert imported.status_code == 200, imported.text
        assert sorted(imported.json()["created"]) == sorted([RULE, WITNESS])
        macro = await http.post(f"{automation}/macros", json=MACRO, headers=lead)
        assert macro.status_code == 201, macro.text
        macro_id = macro.json()["macro_id"]

        created = await http.post(
            f"{intake}/tickets",
            json={"subject": SUBJECT, "description": "打印机显示卡纸 重启也没用。",
                  "language": "zh", "requester": {"id": "u-zh-auto", "email": "wang@example.com"}},
            headers=system.auth("intake"),
        )  # fmt: skip
        assert created.status_code == 201, created.text
        assert created.json()["priority"] != "urgent"
        ticket_id = created.json()["id"]

        async def timeline() -> list[dict[str, Any]]:
            return await every_item(
                http, f"{intake}/tickets/{ticket_id}/timeline", headers=system.auth("intake")
            )

        async def fired(rule: str) -> list[dict[str, Any]]:
            return [
                e
                for e in await timeline()
                if e["type"] == "rule.fired" and e["data"]["rule_name"] == rule
            ]

        async def changed_by_the_rule() -> dict[str, Any] | None:
            got = await http.get(f"{intake}/tickets/{ticket_id}", headers=system.auth("intake"))
            body: dict[str, Any] = got.json()
            done = (
                body["priority"] == "urgent"
                and body["team"] == "facilities"
                and "打印机" in body["tags"]
            )
            return body if done else None

        await eventually(
            changed_by_the_rule, what="priority, team and tag set by the rule", within=60
        )
        await eventually(lambda: fired(WITNESS), what="the witness rule's firing", within=60)

        firings = await fired(RULE)
        assert len(firings) == 1, f"the rule fired on its own changes: {firings}"
        entry = firings[0]
        assert entry["data"]["trigger_event_type"] == "ticket.created"
        why = " ".join(entry["data"]["why"])
        assert "打印机" in why, why
        assert "ticket.subject" in why, why
        assert RULE in (entry["summary"] or "")
        assert all(o["applied"] for o in entry["outcomes"]), entry["outcomes"]
        own = [
            e
            for e in await timeline()
            if e["type"] in ("ticket.updated", "ticket.transferred")
            and (e["data"].get("caused_by") or {}).get("rule_id") == entry["data"]["rule_id"]
        ]
        assert len(own) >= 2, "intake's changes carry the firing's caused_by"
        listed = await http.get(f"{automation}/tickets/{ticket_id}/firings", headers=agent)
        assert listed.status_code == 200, listed.text
        by_rule = [f for f in listed.json()["items"] if f["rule_id"] == entry["data"]["rule_id"]]
        assert len(by_rule) == 1, listed.json()

        preview = await http.post(
            f"{automation}/tickets/{ticket_id}/macros/{macro_id}/preview", headers=agent
        )
        assert preview.status_code == 200, preview.text
        assert "卡纸" in preview.json()["after"]["tags"]
        assert "卡纸" not in preview.json()["before"]["tags"]
        reply = f"您好 关于「{SUBJECT}」 请打开前盖取出卡纸 然后重新开机。"
        assert preview.json()["actions"][0]["body"] == reply
        key = {"Idempotency-Key": "e2e-macro-1"}
        for _ in range(2):  # a retried apply is one application
            applied = await http.post(
                f"{automation}/tickets/{ticket_id}/macros/{macro_id}/apply",
                headers={**agent, **key},
            )
            assert applied.status_code == 202, applied.text

        async def public_reply() -> list[dict[str, Any]]:
            got = await every_item(
                http, f"{intake}/tickets/{ticket_id}/comments", headers=system.auth("intake")
            )
            return [c for c in got if c["public"] and c["body"] == reply]

        replies = await eventually(public_reply, what="the macro's public reply", within=60)
        assert len(replies) == 1

        async def macro_on_timeline() -> list[dict[str, Any]]:
            return [e for e in await timeline() if e["type"] == "macro.applied"]

        applications = await eventually(macro_on_timeline, what="macro.applied", within=30)
        assert len(applications) == 1
        assert MACRO["name"] in (applications[0]["summary"] or "")
        assert len(await public_reply()) == 1
