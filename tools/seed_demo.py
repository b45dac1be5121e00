"""Seeds a small demo through the public APIs: a team of agents, a webhook, a few tickets."""

import argparse
import os
from pathlib import Path

import httpx

from tools.credentials import bearer

AGENTS = [
    # Names apart from `make demo`'s desk (tools/demo/desk.py), which seeds its own people.
    {
        "name": "Margaret Hamilton",
        "team": "service-desk",
        "skills": ["network", "vpn"],
        "capacity": 3,
    },
    {
        "name": "Dennis Ritchie",
        "team": "service-desk",
        "skills": ["hardware", "network"],
        "capacity": 3,
    },
    {
        "name": "Barbara Liskov",
        "team": "service-desk",
        "skills": ["accounts", "email"],
        "capacity": 2,
    },
]
CATEGORIES = {
    "network": {"name": "Network and VPN", "default_priority": "high", "required_skills": ["vpn"]},
    "hardware": {"name": "Hardware", "default_priority": "normal", "required_skills": ["hardware"]},
    "accounts": {"name": "Accounts and access", "required_skills": ["accounts"]},
    "purchase": {
        "name": "Purchases",
        "required_skills": ["hardware"],
        "approval_threshold": "5000",
    },
}
TICKETS = [
    ("VPN drops every 10 minutes", "network", {"impact": "high", "urgency": "high"}),
    ("Laptop will not boot", "hardware", {}),
    ("Password reset for the HR portal", "accounts", {}),
    ("Twelve docking stations for the new office", "purchase", {"amount": "7200"}),
]
PORTS = {"intake": 8001, "routing": 8002, "sla": 8003, "notify": 8004}
# The same variables as the `ticketflow` CLI's, which runs this script for `ticketflow demo seed`.
URLS = {
    service: os.environ.get(f"TICKETFLOW_{service.upper()}_URL", f"http://127.0.0.1:{port}")
    for service, port in PORTS.items()
}


def client(service: str) -> httpx.Client:
    """Acts with `TICKETFLOW_API_KEY` (an identity admin), else the service's own token."""
    return httpx.Client(
        base_url=URLS[service], headers={"Authorization": f"Bearer {bearer(service)}"}, timeout=10
    )


def seed(receiver_url: str, secret_file: Path) -> None:
    with client("routing") as routing:
        listed = routing.get("/agents", params={"limit": 200}).raise_for_status().json()
        existing = {a["name"] for a in listed["items"]}
        for agent in AGENTS:
            if agent["name"] not in existing:
                routing.post("/agents", json=agent).raise_for_status()
    with client("sla") as sla:
        sla.put(
            "/policies/urgent",
            json={"position": 10, "priority": "urgent", "first_response_seconds": 60},
        ).raise_for_status()
    with client("notify") as notify:
        urls = {
            e["url"]
            for e in notify.get("/endpoints", params={"limit": 200})
            .raise_for_status()
            .json()["items"]
        }
        if receiver_url not in urls or not secret_file.exists():
            created = notify.post(
                "/endpoints", json={"url": receiver_url, "description": "demo receiver"}
            ).raise_for_status()
            secret_file.parent.mkdir(parents=True, exist_ok=True)
            secret_file.touch(mode=0o600)
            secret_file.write_text(created.json()["secret"])
    with client("intake") as intake:
        for key, category in CATEGORIES.items():
            intake.put(f"/categories/{key}", json=category).raise_for_status()
        for n, (subject, category_key, extra) in enumerate(TICKETS):
            ticket = (
                intake.post(
                    "/tickets",
                    json={
                        "subject": subject,
                        "requester": {"id": f"demo-user-{n}", "name": f"Demo user {n}"},
                        "category": category_key,
                        **extra,
                    },
                )
                .raise_for_status()
                .json()
            )
            print(
                f"  ticket {ticket['id']}  {ticket['priority']:<6} {ticket['status']:<16} {subject}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--receiver-url", default="http://127.0.0.1:8099/hooks")
    parser.add_argument("--secret-file", type=Path, required=True)
    args = parser.parse_args()
    seed(args.receiver_url, args.secret_file)


if __name__ == "__main__":
    main()
