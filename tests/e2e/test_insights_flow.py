"""A ticket filed on intake reaches insights over real Kafka: its arrival shows in /arrivals."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.polling import eventually
from tests.running_system import WITH_INSIGHTS, System

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def system_services() -> tuple[str, ...]:
    return WITH_INSIGHTS


async def test_a_filed_ticket_becomes_an_arrival_in_insights(system: System) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        category = await http.put(
            f"{system.url('intake')}/categories/printing",
            json={"name": "Printers", "required_skills": ["printers"], "team": "facilities"},
            headers=system.auth("intake"),
        )
        assert category.status_code in (200, 201), category.text
        now = datetime.now(UTC)
        window = {
            "interval": "15",
            "from": (now - timedelta(hours=1)).isoformat(),
            "to": (now + timedelta(hours=1)).isoformat(),
            "team": "facilities",
            "channel": "chat",
        }

        async def arrivals() -> int:
            answer = await http.get(
                f"{system.url('insights')}/arrivals", params=window, headers=system.auth("insights")
            )
            assert answer.status_code == 200, answer.text
            total: int = answer.json()["total"]
            return total

        assert await arrivals() == 0
        created = await http.post(
            f"{system.url('intake')}/tickets",
            json={
                "subject": "Printer on floor 3 jams",
                "requester": {"id": "e2e-insights"},
                "category": "printing",
                "channel": "chat",
            },
            headers=system.auth("intake"),
        )
        assert created.status_code == 201, created.text

        async def arrived() -> bool:
            return await arrivals() == 1

        await eventually(arrived, what="the ticket's arrival in insights' /arrivals", within=60)

        facts = await http.get(
            f"{system.url('insights')}/tickets/{created.json()['id']}/facts",
            headers=system.auth("insights"),
        )
        assert facts.status_code == 200, facts.text
        assert facts.json()["team"] == "facilities"
