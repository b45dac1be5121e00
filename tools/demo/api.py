"""The four services' public HTTP APIs, as the demo (and the live dashboard test) use them.

Operators' bearer tokens set up the desk; agents and requesters act with intake API keys of
their own (role agent, subject = routing's agent id; role requester, subject = requester id),
so replies, ratings and reopenings are attributed to them as in production.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

SERVICES = ("intake", "routing", "sla", "notify")
LOCAL_URLS = {
    "intake": "http://127.0.0.1:8001",
    "routing": "http://127.0.0.1:8002",
    "sla": "http://127.0.0.1:8003",
    "notify": "http://127.0.0.1:8004",
}
OK = (200, 201, 204)


class ApiError(RuntimeError):
    """A call answered with an unexpected status; the message has the method, path and body."""

    def __init__(self, response: httpx.Response) -> None:
        request = response.request
        super().__init__(
            f"{request.method} {request.url.path} -> {response.status_code}: {response.text[:500]}"
        )
        self.status_code = response.status_code


@dataclass
class DeskApi:
    urls: Mapping[str, str]
    tokens: Mapping[str, str]
    http: httpx.AsyncClient
    _keys: dict[tuple[str, str], str] = field(default_factory=dict)

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, str] | None = None,
        token: str | None = None,
        ok: tuple[int, ...] = OK,
    ) -> Any:
        response = await self.http.request(
            method,
            f"{self.urls[service]}{path}",
            json=body,
            params=params,
            headers={"Authorization": f"Bearer {token or self.tokens[service]}"},
        )
        if response.status_code not in ok:
            raise ApiError(response)
        return response.json() if response.content else None

    async def every(
        self, service: str, path: str, *, params: Mapping[str, str] | None = None
    ) -> list[Any]:
        """Every item of a paged list, following `next_cursor` to the last page."""
        items: list[Any] = []
        cursor: dict[str, str] = {}
        while True:
            page = await self.call(service, "GET", path, params={**(params or {}), **cursor})
            items.extend(page["items"])
            if page["next_cursor"] is None:
                return items
            cursor = {"cursor": page["next_cursor"], "limit": "200"}

    async def intake_key(self, *, role: str, subject: str) -> str:
        """An intake API key acting for `subject` in `role`, issued once and reused."""
        cached = self._keys.get((role, subject))
        if cached is None:
            issued = await self.call(
                "intake",
                "POST",
                "/credentials",
                body={"name": f"demo {role} {subject}", "role": role, "subject": subject},
            )
            cached = self._keys[(role, subject)] = str(issued["token"])
        return cached

    # -- tickets, as requesters and agents -------------------------------------------------

    async def file_ticket(self, ticket: Mapping[str, Any]) -> dict[str, Any]:
        requester = str(ticket["requester"]["id"])
        key = await self.intake_key(role="requester", subject=requester)
        created: dict[str, Any] = await self.call(
            "intake", "POST", "/tickets", body=ticket, token=key
        )
        return created

    async def ticket(self, ticket_id: str) -> dict[str, Any]:
        found: dict[str, Any] = await self.call("intake", "GET", f"/tickets/{ticket_id}")
        return found

    async def owner_of(self, ticket_id: str) -> str | None:
        owner = (await self.ticket(ticket_id)).get("owner")
        return None if owner is None else str(owner["agent_id"])

    async def agent_reply(self, ticket_id: str, *, agent_id: str, text: str) -> None:
        key = await self.intake_key(role="agent", subject=agent_id)
        await self.call(
            "intake",
            "POST",
            f"/tickets/{ticket_id}/comments",
            body={"body": text, "public": True},
            token=key,
        )

    async def requester_reply(self, ticket_id: str, *, requester: str, text: str) -> None:
        key = await self.intake_key(role="requester", subject=requester)
        await self.call(
            "intake",
            "POST",
            f"/tickets/{ticket_id}/comments",
            body={"body": text, "public": True},
            token=key,
        )

    async def set_status(
        self, ticket_id: str, *, agent_id: str, status: str, reason: str | None = None
    ) -> None:
        key = await self.intake_key(role="agent", subject=agent_id)
        await self.call(
            "intake",
            "POST",
            f"/tickets/{ticket_id}/status",
            body={"status": status, "reason": reason},
            token=key,
        )

    async def escalate(self, ticket_id: str, *, agent_id: str, reason: str) -> None:
        key = await self.intake_key(role="agent", subject=agent_id)
        await self.call(
            "intake", "POST", f"/tickets/{ticket_id}/escalate", body={"reason": reason}, token=key
        )

    async def rate(self, ticket_id: str, *, requester: str, rating: int, comment: str) -> None:
        key = await self.intake_key(role="requester", subject=requester)
        await self.call(
            "intake",
            "POST",
            f"/tickets/{ticket_id}/feedback",
            body={"rating": rating, "comment": comment},
            token=key,
        )

    async def reopen(self, ticket_id: str, *, requester: str, reason: str) -> None:
        key = await self.intake_key(role="requester", subject=requester)
        await self.call(
            "intake", "POST", f"/tickets/{ticket_id}/reopen", body={"reason": reason}, token=key
        )

    async def sla_clocks(self, ticket_id: str) -> list[dict[str, Any]]:
        page: dict[str, Any] = await self.call("sla", "GET", f"/tickets/{ticket_id}/sla")
        clocks: list[dict[str, Any]] = page["items"]
        return clocks

    async def set_agent_status(self, agent_id: str, status: str) -> None:
        await self.call("routing", "PUT", f"/agents/{agent_id}/status", body={"status": status})
