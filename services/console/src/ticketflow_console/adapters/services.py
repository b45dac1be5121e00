"""HTTP clients of the services the console shows: every call carries the user's own access
token, so each service's authorisation decides what the user sees and may do."""

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from ticketflow_console.settings import ConsoleSettings

Json = dict[str, Any]


class UpstreamDown(Exception):
    """A service did not answer (connection refused, timeout)."""


@dataclass(frozen=True)
class Answer:
    """What a service said to a change: its status and, when refused, its reason."""

    status: int
    detail: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True)
class Grant:
    """An access token identity issued for an API key, and its lifetime."""

    access_token: str
    expires_in: int


class Services:
    """One pooled HTTP client for all services; a method per call the console makes."""

    def __init__(self, settings: ConsoleSettings, client: httpx.AsyncClient | None = None):
        self.settings = settings
        self.client = client or httpx.AsyncClient(timeout=settings.upstream_timeout_seconds)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def exchange_key(self, api_key: str) -> Grant | None:
        """The key's access token (RFC 6749 client credentials); None if identity refuses it."""
        answer = await self._send(
            "POST",
            f"{self.settings.identity_url}/token",
            None,
            data={"grant_type": "client_credentials", "client_secret": api_key},
        )
        if answer.status_code != 200:
            return None
        body = answer.json()
        return Grant(access_token=body["access_token"], expires_in=int(body["expires_in"]))

    async def me(self, token: str) -> Json | None:
        return await self._json(token, f"{self.settings.identity_url}/me")

    async def my_open_tickets(
        self, token: str, *, agent_id: uuid.UUID, statuses: list[str], limit: int
    ) -> list[Json]:
        params: list[tuple[str, str | int]] = [("assignee", str(agent_id)), ("limit", limit)]
        params += [("status", s) for s in statuses]
        page = await self._json(token, f"{self.settings.intake_url}/tickets", params=params)
        return list(page["items"]) if page else []

    async def ticket(self, token: str, ticket_id: str) -> Json | None:
        return await self._json(token, f"{self.settings.intake_url}/tickets/{ticket_id}")

    async def comments(self, token: str, ticket_id: str) -> list[Json]:
        url = f"{self.settings.intake_url}/tickets/{ticket_id}/comments"
        return await self._items(token, url, params={"limit": 200})

    async def timeline(self, token: str, ticket_id: str) -> list[Json]:
        url = f"{self.settings.intake_url}/tickets/{ticket_id}/timeline"
        return await self._items(token, url, params={"limit": 200})

    async def clocks(self, token: str, ticket_id: str) -> list[Json]:
        return await self._items(token, f"{self.settings.sla_url}/tickets/{ticket_id}/sla")

    async def clocks_of(self, token: str, ticket_ids: list[str]) -> dict[str, list[Json]]:
        """Each ticket's clocks, asked concurrently (sla has no batch read)."""
        found = await asyncio.gather(*(self.clocks(token, t) for t in ticket_ids))
        return dict(zip(ticket_ids, found, strict=True))

    async def routing(self, token: str, ticket_id: str) -> Json | None:
        return await self._json(token, f"{self.settings.routing_url}/tickets/{ticket_id}/routing")

    async def suggestion(self, token: str, suggestion_id: str) -> list[Json]:
        """The items of the suggestion knowledge made for a ticket when it was filed."""
        found = await self._json(
            token, f"{self.settings.knowledge_url}/suggestions/{suggestion_id}"
        )
        return list(found["items"]) if found else []

    async def macros(self, token: str) -> list[Json]:
        return await self._items(token, f"{self.settings.automation_url}/macros")

    async def write_comment(self, token: str, ticket_id: str, *, body: str, public: bool) -> Answer:
        url = f"{self.settings.intake_url}/tickets/{ticket_id}/comments"
        return await self._change("POST", url, token, {"body": body, "public": public})

    async def set_status(self, token: str, ticket_id: str, *, status: str) -> Answer:
        url = f"{self.settings.intake_url}/tickets/{ticket_id}/status"
        return await self._change("POST", url, token, {"status": status})

    async def transfer(self, token: str, ticket_id: str, *, team: str, reason: str) -> Answer:
        url = f"{self.settings.intake_url}/tickets/{ticket_id}/transfer"
        return await self._change("POST", url, token, {"team": team, "reason": reason})

    async def escalate(self, token: str, ticket_id: str, *, reason: str) -> Answer:
        url = f"{self.settings.intake_url}/tickets/{ticket_id}/escalate"
        return await self._change("POST", url, token, {"reason": reason})

    async def apply_macro(self, token: str, ticket_id: str, *, macro_id: str, key: str) -> Answer:
        url = f"{self.settings.automation_url}/tickets/{ticket_id}/macros/{macro_id}/apply"
        return await self._change("POST", url, token, None, headers={"Idempotency-Key": key})

    async def agent(self, token: str, agent_id: uuid.UUID) -> Json | None:
        return await self._json(token, f"{self.settings.routing_url}/agents/{agent_id}")

    async def set_agent_status(self, token: str, agent_id: uuid.UUID, *, status: str) -> Answer:
        url = f"{self.settings.routing_url}/agents/{agent_id}/status"
        return await self._change("PUT", url, token, {"status": status})

    async def _json(self, token: str, url: str, **kwargs: Any) -> Json | None:
        answer = await self._send("GET", url, token, **kwargs)
        if answer.status_code != 200:
            return None
        body: Json = answer.json()
        return body

    async def _items(self, token: str, url: str, **kwargs: Any) -> list[Json]:
        page = await self._json(token, url, **kwargs)
        return list(page["items"]) if page else []

    async def _change(
        self,
        method: str,
        url: str,
        token: str,
        body: Json | None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        answer = await self._send(method, url, token, json=body, headers=headers)
        if 200 <= answer.status_code < 300:
            return Answer(answer.status_code)
        return Answer(answer.status_code, _reason(answer))

    async def _send(
        self, method: str, url: str, token: str | None, **kwargs: Any
    ) -> httpx.Response:
        headers = {**(kwargs.pop("headers", None) or {})}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        try:
            return await self.client.request(method, url, headers=headers, **kwargs)
        except httpx.TransportError as error:
            raise UpstreamDown(f"{method} {url}: {type(error).__name__}") from error


def _reason(answer: httpx.Response) -> str:
    """A problem document's detail (RFC 9457), else the status line."""
    try:
        body = answer.json()
    except ValueError:
        return f"{answer.status_code} {answer.reason_phrase}"
    if isinstance(body, dict):
        detail = body.get("detail") or body.get("title") or body.get("error_description")
        if isinstance(detail, str):
            return detail
        if isinstance(detail, list):
            return "; ".join(str(d.get("msg", d)) for d in detail if isinstance(d, dict))
    return f"{answer.status_code} {answer.reason_phrase}"
