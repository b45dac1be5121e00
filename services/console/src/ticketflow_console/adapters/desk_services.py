"""HTTP calls behind the lead and admin pages (insights, routing, sla, intake, notify), made
with the signed-in user's token through the console's one pooled client."""

from typing import Any

from ticketflow_console.adapters.services import Answer, Json, Services


class DeskServices:
    """A method per read or change the lead and admin pages make."""

    def __init__(self, services: Services, insights_url: str, notify_url: str) -> None:
        self.services = services
        self.urls = services.settings
        self.insights_url = insights_url
        self.notify_url = notify_url

    async def team_tickets(self, token: str, team: str, **filters: Any) -> list[Json]:
        params: list[tuple[str, Any]] = [("team", team), ("limit", filters.pop("limit", 50))]
        for name, value in filters.items():
            values = value if isinstance(value, list) else [value]
            params += [(name, v) for v in values]
        return await self._items(token, f"{self.urls.intake_url}/tickets", params=params)

    async def waiting_queue(self, token: str, team: str) -> list[Json]:
        url = f"{self.urls.routing_url}/teams/{team}/queue"
        return await self._items(token, url, params={"limit": 50})

    async def agents(self, token: str, team: str) -> list[Json]:
        url = f"{self.urls.routing_url}/agents"
        return await self._items(token, url, params={"team": team, "limit": 200})

    async def at_risk(self, token: str, team: str) -> list[Json]:
        url = f"{self.insights_url}/at-risk"
        return await self._items(token, url, params={"team": team, "limit": 50})

    async def staffing(self, token: str, team: str, *, interval: int) -> Json | None:
        url = f"{self.insights_url}/staffing/{team}"
        return await self.services._json(token, url, params={"days": 1, "interval": interval})

    async def team_scorecard(self, token: str, team: str, *, period: str) -> Json | None:
        url = f"{self.insights_url}/scorecards/teams/{team}"
        return await self.services._json(token, url, params={"period": period})

    async def reports(self, token: str, team: str | None) -> list[Json]:
        params: dict[str, Any] = {"limit": 50, **({"team": team} if team else {})}
        return await self._items(token, f"{self.insights_url}/reports", params=params)

    async def policies(self, token: str) -> list[Json]:
        return await self._items(token, f"{self.urls.sla_url}/policies", params={"limit": 200})

    async def calendars(self, token: str) -> list[Json]:
        return await self._items(token, f"{self.urls.sla_url}/calendars", params={"limit": 200})

    async def put_policy(self, token: str, name: str, body: Json) -> Answer:
        url = f"{self.urls.sla_url}/policies/{name}"
        return await self.services._change("PUT", url, token, body)

    async def categories(self, token: str) -> list[Json]:
        url = f"{self.urls.intake_url}/categories"
        return await self._items(token, url, params={"limit": 200})

    async def put_category(self, token: str, key: str, body: Json) -> Answer:
        url = f"{self.urls.intake_url}/categories/{key}"
        return await self.services._change("PUT", url, token, body)

    async def endpoints(self, token: str) -> list[Json]:
        return await self._items(token, f"{self.notify_url}/endpoints", params={"limit": 200})

    async def subscriptions(self, token: str) -> list[Json]:
        url = f"{self.notify_url}/subscriptions"
        return await self._items(token, url, params={"limit": 200})

    async def set_endpoint_enabled(self, token: str, endpoint_id: str, *, enabled: bool) -> Answer:
        url = f"{self.notify_url}/endpoints/{endpoint_id}"
        return await self.services._change("PATCH", url, token, {"enabled": enabled})

    async def _items(self, token: str, url: str, **kwargs: Any) -> list[Json]:
        return await self.services._items(token, url, **kwargs)
