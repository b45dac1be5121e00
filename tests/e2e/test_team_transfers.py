"""Intake learns routing's teams from `team.changed` over Kafka: transfers name a live team."""

import uuid

import httpx
import pytest

from tests.polling import eventually
from tests.running_system import System

pytestmark = pytest.mark.e2e


async def test_transfers_follow_the_teams_routing_creates_and_archives(system: System) -> None:
    live, retired = f"desk-{uuid.uuid4().hex[:6]}", f"old-{uuid.uuid4().hex[:6]}"
    intake, routing = system.url("intake"), system.url("routing")
    async with httpx.AsyncClient(timeout=10, headers=system.auth("intake")) as http:

        async def file(**fields: object) -> str:
            body = {"subject": "Dock is dead", "requester": {"id": "u-7"}, **fields}
            filed = await http.post(f"{intake}/tickets", json=body)
            assert filed.status_code == 201, filed.text
            return f"{intake}/tickets/{filed.json()['id']}/transfer"

        to_live = await file()
        unknown = await http.post(to_live, json={"team": live, "reason": "hardware"})
        assert unknown.status_code == 422
        assert unknown.json()["errors"][0]["field"] == "team"
        for team in (live, retired):
            put = await http.put(
                f"{routing}/teams/{team}", json={"name": team}, headers=system.auth("routing")
            )
            assert put.status_code == 200, put.text
        archived = await http.delete(f"{routing}/teams/{retired}", headers=system.auth("routing"))
        assert archived.status_code == 204, archived.text
        # A ticket already with the retired team (through a category): probing it never
        # transfers anything.
        category = await http.put(
            f"{intake}/categories/{retired}", json={"name": "Old desk", "team": retired}
        )
        assert category.status_code == 200, category.text
        at_retired = await file(category=retired)

        async def refused_as_archived() -> bool:
            answer = await http.post(at_retired, json={"team": retired, "reason": "r"})
            assert answer.status_code == 422, answer.text
            return "archived" in answer.json()["errors"][0]["reason"]

        await eventually(refused_as_archived, what="intake seeing the team archived")

        async def moved() -> str | None:
            answer = await http.post(to_live, json={"team": live, "reason": "hardware"})
            team: str | None = answer.json()["team"] if answer.status_code == 200 else None
            return team

        done = await eventually(moved, what="intake learning the new team from team.changed")
    assert done == live
