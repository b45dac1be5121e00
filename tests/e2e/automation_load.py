"""One round of automation's work through the public APIs, touching every metric of the
Automation dashboard: a rule fires on a new ticket, fires no more on a comment (its firing
limit is 1: a suppression), a time rule's timer falls due a minute after the ticket was filed,
and a macro is applied."""

import uuid
from typing import Any

import httpx

from tests.polling import eventually
from tools.demo.api import DeskApi

MARK = "自动化看板"
RULES = f"""
rules:
  - name: {MARK}规则 / dashboard rule
    on: [ticket.created, ticket.commented]
    when: {{field: ticket.subject, op: contains_text, value: {MARK}}}
    actions:
      - {{type: add_tags, tags: [自动化]}}
    limit: {{firings: 1, per_minutes: 60}}
  - name: {MARK}定时 / dashboard timer
    after: {{anchor: created, minutes: 1}}
    when: {{field: ticket.subject, op: contains_text, value: {MARK}}}
    actions:
      - {{type: add_tags, tags: [一分钟]}}
"""
MACRO = {
    "name": f"{MARK}宏 / dashboard macro",
    "actions": [{"type": "add_note", "body": "宏「{{ rule.name }}」: {{ ticket.subject }}"}],
}


async def call(http: httpx.AsyncClient, method: str, path: str, **kwargs: Any) -> Any:
    response = await http.request(method, path, **kwargs)
    assert response.is_success, f"{method} {path} -> {response.status_code}: {response.text}"
    return response.json() if response.content else None


async def macro_id(http: httpx.AsyncClient) -> str:
    """The dashboard macro, created on the first round."""
    listed = await call(http, "GET", "/macros", params={"limit": 200})
    for macro in listed["items"]:
        if macro["definition"]["name"] == MACRO["name"]:
            return str(macro["macro_id"])
    created = await call(http, "POST", "/macros", json=MACRO)
    return str(created["macro_id"])


async def automation_round(desk: DeskApi, *, url: str, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=15) as http:
        await call(
            http, "POST", "/rules/import", content=RULES,
            headers={"Content-Type": "application/yaml"},
        )  # fmt: skip
        macro = await macro_id(http)
        filed = await desk.file_ticket(
            {
                "subject": f"{MARK} {uuid.uuid4().hex[:6]} 打印机",
                "language": "zh",
                "requester": {"id": "req-automation", "email": "req-automation@example.com"},
            }
        )
        ticket_id = str(filed["id"])

        async def on_timeline(event_type: str) -> bool:
            timeline = await desk.every("intake", f"/tickets/{ticket_id}/timeline")
            return any(entry["type"] == event_type for entry in timeline)

        async def fired() -> bool:
            return await on_timeline("rule.fired")

        await eventually(fired, what="the dashboard rule's firing", within=60)
        await desk.call(
            "intake", "POST", f"/tickets/{ticket_id}/comments",
            body={"body": "请问进展如何?", "public": True},
        )  # fmt: skip

        async def suppressed() -> bool:
            return await on_timeline("rule.suppressed")

        await eventually(suppressed, what="the rule suppressed over its limit", within=60)

        async def applied() -> bool:
            response = await http.post(f"/tickets/{ticket_id}/macros/{macro}/apply")
            return response.status_code == 202  # 404 until automation has seen the ticket

        await eventually(applied, what="the macro applied", within=30)
