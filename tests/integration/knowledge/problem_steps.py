# ruff: noqa: RUF001 (Chinese text is written with full-width commas)
"""Steps the problem tests share: record a problem, make it a known error, read its events."""

import uuid
from typing import Any

import httpx

from tests.integration.knowledge.conftest import KnowledgeHarness

WORKAROUND = "重启打印机，然后重新连接无线网络。"
PRINTER = {
    "title": "三楼打印机无法连接网络",
    "description": "三楼的打印机每天早上掉线，员工无法打印。",
    "category": "打印机",
    "language": "zh",
}


async def new_problem(api: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    response = await api.post("/problems", json={**PRINTER, **changes})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def known_error(
    api: httpx.AsyncClient,
    problem_id: str,
    *,
    workaround: str = WORKAROUND,
    root_cause: str | None = "交换机端口节能模式导致断网。",
    public: bool = False,
) -> dict[str, Any]:
    response = await api.post(
        f"/problems/{problem_id}/known-error",
        json={"workaround": workaround, "root_cause": root_cause, "public": public},
    )
    assert response.status_code == 200, response.text
    declared: dict[str, Any] = response.json()
    return declared


async def link(api: httpx.AsyncClient, problem_id: str, ticket_id: uuid.UUID) -> httpx.Response:
    return await api.post(f"/problems/{problem_id}/tickets", json={"ticket_id": str(ticket_id)})


async def events_of(
    knowledge: KnowledgeHarness, problem_id: str, event_type: str
) -> list[dict[str, Any]]:
    """The `data` of every `event_type` event the problem's changes committed."""
    return [e["data"] for e in await knowledge.outbox(problem_id) if e["type"] == event_type]


async def project_ticket(
    knowledge: KnowledgeHarness, ticket_id: uuid.UUID, *, subject: str, status: str
) -> None:
    """A ticket as the tickets projection would hold it after intake's events."""
    async with knowledge.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO tickets (ticket_id, subject, language, status, requester_id, created_at)"
            " VALUES ($1, $2, 'zh', $3, 'u-1', $4)",
            ticket_id,
            subject,
            status,
            knowledge.clock(),
        )
