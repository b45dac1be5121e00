"""One round of knowledge's work through its public API, touching every metric of the Knowledge
dashboard: the demo content seeded (`tools/seed_knowledge.py`), an article published and a
problem resolved, suggestions asked for that find something and one that finds nothing, and a
ticket's suggestion answered "this solved it" (a deflection)."""

import uuid
from typing import Any

import httpx

from tests.polling import eventually
from tools.demo.api import DeskApi
from tools.seed_knowledge import load_content, seed

NOTHING_MATCHES = "qqxv zzkw"


async def call(http: httpx.AsyncClient, method: str, path: str, **kwargs: Any) -> Any:
    response = await http.request(method, path, **kwargs)
    assert response.is_success, f"{method} {path} -> {response.status_code}: {response.text}"
    return response.json() if response.content else None


async def publish_and_resolve(http: httpx.AsyncClient) -> None:
    """A fresh article published and a fresh problem resolved, so both counters move."""
    mark = uuid.uuid4().hex[:8]
    article = await call(
        http, "POST", "/articles",
        json={"title": f"Docking station {mark} shows no screen", "language": "en",
              "body": "Unplug the dock's power for ten seconds.", "visibility": "public"},
    )  # fmt: skip
    await call(http, "POST", f"/articles/{article['id']}/publish", json={})
    problem = await call(
        http, "POST", "/problems",
        json={"title": f"Badge reader {mark} rejects cards", "language": "en"},
    )  # fmt: skip
    await call(
        http, "POST", f"/problems/{problem['problem_id']}/known-error",
        json={"workaround": "Use the side door.", "public": True},
    )  # fmt: skip
    await call(
        http, "POST", f"/problems/{problem['problem_id']}/resolve",
        json={"permanent_fix": "Reader firmware updated.", "resolve_linked_tickets": False},
    )  # fmt: skip


async def suggestion_of(http: httpx.AsyncClient, ticket_id: str, subject: str) -> str | None:
    """The ticket's one suggestion: made on ticket.created (409 names it) or by this call;
    None while knowledge has not heard of the ticket yet."""
    response = await http.post(
        "/suggestions", json={"subject": subject, "language": "en", "ticket_id": ticket_id}
    )
    if response.status_code == 409:
        return str(response.json()["suggestion_id"])
    if response.is_success:
        return str(response.json()["suggestion_id"])
    return None


async def knowledge_round(desk: DeskApi, *, url: str, token: str) -> None:
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=15
    ) as http:
        await seed(http, load_content())
        await publish_and_resolve(http)
        for question in load_content()["questions"]:
            found = await call(http, "POST", "/suggestions", json=question)
            assert found["items"], f"nothing suggested for {question['subject']}"
        await call(
            http, "POST", "/suggestions", json={"subject": NOTHING_MATCHES, "language": "en"}
        )
        subject = "Printer is offline and cannot be found"
        filed = await desk.file_ticket(
            {"subject": subject, "category": "printing", "channel": "web",
             "requester": {"id": "req-knowledge", "email": "req-knowledge@example.com"}}
        )  # fmt: skip

        async def suggested() -> str | None:
            return await suggestion_of(http, str(filed["id"]), subject)

        suggestion_id = await eventually(suggested, what="the printer ticket's suggestion")
        suggestion = await call(http, "GET", f"/suggestions/{suggestion_id}")
        assert suggestion["items"], "the printer ticket was suggested the printer article"
        first = suggestion["items"][0]
        await call(
            http, "POST", f"/suggestions/{suggestion_id}/answer",
            json={"kind": first["kind"], "item_id": first["item_id"], "solved": True},
        )  # fmt: skip
