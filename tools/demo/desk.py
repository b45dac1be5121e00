"""The demo service desk: teams and their leads, agents with skills and shifts, the catalogue,
SLA policies with an escalation ladder, and webhook endpoints. Seeding is idempotent: agents and
endpoints are matched by name and URL, everything else is a PUT."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tools.demo.api import DeskApi

PRIORITIES = ("urgent", "high", "normal", "low")
ALWAYS = None  # no schedule: always on shift
OFFICE_PARIS = [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "18:00"}]
EVENINGS_NEW_YORK = [
    {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "12:00", "end": "23:00"}
]
WEEKEND_TOKYO = [{"days": ["sat", "sun"], "start": "00:00", "end": "00:00"}]

TEAMS = {
    "network": "Network and VPN",
    "it-support": "IT support",
    "facilities": "Facilities",
}
# name -> agent; the first agent of each team leads it. The facilities technician starts offline:
# printer tickets queue without an owner until the demo brings them online.
AGENTS: dict[str, dict[str, Any]] = {
    "Grace Hopper": {
        "team": "network",
        "skills": [{"name": "vpn", "proficiency": 5}, "network"],
        "capacity": 8,
        "email": "grace@example.com",
        "shifts": ALWAYS,
    },
    "Radia Perlman": {
        "team": "network",
        "skills": [{"name": "network", "proficiency": 5}, "vpn"],
        "capacity": 4,
        "languages": ["en", "fr"],
        "time_zone": "Europe/Paris",
        "shifts": OFFICE_PARIS,
    },
    "Alan Turing": {
        "team": "it-support",
        "skills": ["hardware", "accounts", "email"],
        "capacity": 8,
        "email": "alan@example.com",
        "shifts": ALWAYS,
    },
    "Ada Lovelace": {
        "team": "it-support",
        "skills": [{"name": "accounts", "proficiency": 5}, "email"],
        "capacity": 6,
        "shifts": ALWAYS,
    },
    "Katherine Johnson": {
        "team": "it-support",
        "teams": ["network"],
        "skills": ["hardware", "network", "vpn"],
        "capacity": 3,
        "time_zone": "America/New_York",
        "shifts": EVENINGS_NEW_YORK,
    },
    "Yukihiro Matsumoto": {
        "team": "it-support",
        "skills": ["hardware", "accounts"],
        "capacity": 3,
        "languages": ["ja", "en"],
        "time_zone": "Asia/Tokyo",
        "shifts": WEEKEND_TOKYO,
    },
    "Pat Printer": {
        "team": "facilities",
        "skills": ["printers", "hardware"],
        "capacity": 6,
        "status": "offline",
        "shifts": ALWAYS,
    },
}
TOGGLED_AGENT = "Pat Printer"

CATEGORIES: dict[str, dict[str, Any]] = {
    "vpn": {
        "name": "VPN and remote access",
        "default_priority": "high",
        "required_skills": ["vpn"],
        "team": "network",
    },
    "network": {"name": "Network", "required_skills": ["network"], "team": "network"},
    "hardware": {"name": "Hardware", "required_skills": ["hardware"], "team": "it-support"},
    "accounts": {
        "name": "Accounts and access",
        "default_priority": "high",
        "required_skills": ["accounts"],
        "team": "it-support",
    },
    "email": {
        "name": "E-mail",
        "default_priority": "low",
        "required_skills": ["email"],
        "team": "it-support",
    },
    "printing": {
        "name": "Printers",
        "default_priority": "low",
        "required_skills": ["printers"],
        "team": "facilities",
    },
}


@dataclass(frozen=True)
class Targets:
    """SLA targets in (compressed) seconds per priority, and the escalation ladder's delays."""

    first_response: Mapping[str, float]
    resolution: Mapping[str, float]
    escalation_delays: tuple[float, float]


# A demo "day" lasts minutes: targets are compressed to match (urgent first response in 5 s).
DEMO_TARGETS = Targets(
    first_response={"urgent": 5, "high": 15, "normal": 30, "low": 60},
    resolution={"urgent": 60, "high": 120, "normal": 180, "low": 300},
    escalation_delays=(5, 20),
)


@dataclass
class Desk:
    agents: dict[str, str] = field(default_factory=dict)  # name -> agent id
    endpoints: dict[str, str] = field(default_factory=dict)  # url -> endpoint id
    secrets: dict[str, str] = field(default_factory=dict)  # url -> secret, when created now

    def agent_id(self, name: str) -> str:
        return self.agents[name]


async def seed_agents(api: DeskApi, desk: Desk) -> None:
    existing = await api.every("routing", "/agents")
    desk.agents.update({a["name"]: str(a["id"]) for a in existing})
    for name, spec in AGENTS.items():
        if name not in desk.agents:
            body = {k: v for k, v in spec.items() if k != "shifts" or v is not None}
            created = await api.call("routing", "POST", "/agents", body={"name": name, **body})
            desk.agents[name] = str(created["id"])
    for team, title in TEAMS.items():
        lead = next(name for name, spec in AGENTS.items() if spec["team"] == team)
        await api.call(
            "routing",
            "PUT",
            f"/teams/{team}",
            body={"name": title, "lead_agent_id": desk.agents[lead]},
        )


async def seed_policies(api: DeskApi, targets: Targets) -> None:
    first, second = targets.escalation_delays
    await api.call(
        "sla",
        "PUT",
        "/escalation-policies/demo-ladder",
        body={
            "levels": [
                {"delay_seconds": first, "targets": [{"kind": "owner"}]},
                {"delay_seconds": second, "targets": [{"kind": "team_lead"}]},
            ]
        },
    )
    for position, priority in enumerate(PRIORITIES, start=1):
        await api.call(
            "sla",
            "PUT",
            f"/policies/demo-{priority}",
            body={
                "position": position,
                "priority": priority,
                "first_response_seconds": targets.first_response[priority],
                "next_response_seconds": targets.first_response[priority] * 2,
                "resolution_seconds": targets.resolution[priority],
                "escalation_policy": "demo-ladder",
            },
        )


async def seed_endpoints(api: DeskApi, desk: Desk, endpoints: Mapping[str, dict[str, Any]]) -> None:
    """`endpoints`: url -> the rest of the endpoint's body (description, event_types)."""
    existing = await api.every("notify", "/endpoints")
    desk.endpoints.update({e["url"]: str(e["id"]) for e in existing})
    for url, spec in endpoints.items():
        if url not in desk.endpoints:
            created = await api.call("notify", "POST", "/endpoints", body={"url": url, **spec})
            desk.endpoints[url] = str(created["id"])
            desk.secrets[url] = str(created["secret"])


async def seed_desk(
    api: DeskApi, *, targets: Targets, endpoints: Mapping[str, dict[str, Any]]
) -> Desk:
    desk = Desk()
    await seed_agents(api, desk)
    await seed_policies(api, targets)
    for key, category in CATEGORIES.items():
        await api.call("intake", "PUT", f"/categories/{key}", body=category)
    await seed_endpoints(api, desk, endpoints)
    return desk
