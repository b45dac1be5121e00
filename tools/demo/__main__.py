"""Demo traffic against the services of `make run`: python -m tools.demo --minutes 5

Seeds (idempotently) teams, agents with skills and shifts, the catalogue, compressed SLA
policies with an escalation ladder and a flaky webhook endpoint, then files tickets for
`--minutes` whose arrivals follow an hour-of-day pattern (a demo day lasts `--day-minutes`),
and works them like a desk would, so every panel of the Grafana dashboards moves.
It acts with TICKETFLOW_API_KEY (the identity admin `make run` bootstraps), else each
<SERVICE>_API_TOKEN (infra/local/demo.sh sources .local/api-tokens.env).
"""

import argparse
import asyncio
import logging
import os

import httpx

from ticketflow_common.kafka import new_producer
from ticketflow_common.topics import TICKETS, TopicNames
from tools.credentials import Bearers
from tools.demo.api import LOCAL_URLS, SERVICES, DeskApi
from tools.demo.desk import DEMO_TARGETS, seed_desk
from tools.demo.traffic import run_traffic

log = logging.getLogger("demo")


async def publish_unreadable_events(*, bootstrap: str, prefix: str, count: int) -> None:
    """Messages no consumer can parse: each consumer of the topic dead-letters them, which is
    what the DLQ panel and the TicketflowDeadLettersGrowing alert are about."""
    producer = new_producer(bootstrap, client_id="ticketflow-demo")
    await producer.start()
    try:
        for n in range(count):
            await producer.send_and_wait(
                TopicNames(prefix).physical(TICKETS),
                value=b"this is not a CloudEvent",
                key=f"demo-unreadable-{n}".encode(),
            )
    finally:
        await producer.stop()


async def demo(args: argparse.Namespace) -> None:
    tokens = Bearers(SERVICES)
    async with httpx.AsyncClient(timeout=15) as http:
        api = DeskApi(urls=LOCAL_URLS, tokens=tokens, http=http)
        desk = await seed_desk(
            api,
            targets=DEMO_TARGETS,
            endpoints={
                args.flaky_url: {
                    "description": "demo partner endpoint that fails now and then",
                    "event_types": ["ticket.created", "ticket.assigned", "sla.breached"],
                }
            },
        )
        log.info("desk seeded: %d agents, endpoints %s", len(desk.agents), sorted(desk.endpoints))
        if args.dead_letters and (
            bootstrap := os.environ.get("TICKETFLOW_KAFKA_BOOTSTRAP_SERVERS")
        ):
            await publish_unreadable_events(
                bootstrap=bootstrap, prefix=args.topic_prefix, count=args.dead_letters
            )
            log.info("published %d unreadable events (watch the DLQ panel)", args.dead_letters)
        stats = await run_traffic(
            api,
            desk,
            minutes=args.minutes,
            day_minutes=args.day_minutes,
            peak_per_second=args.peak_per_second,
            start_hour=args.start_hour,
            seed=args.seed,
        )
    print("demo finished:", ", ".join(f"{k} {v}" for k, v in sorted(stats.items())))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=5, help="how long tickets arrive (5)")
    parser.add_argument("--day-minutes", type=float, default=5, help="length of a demo day (5)")
    parser.add_argument(
        "--peak-per-second", type=float, default=0.4, help="arrivals per second at peak (0.4)"
    )
    parser.add_argument("--start-hour", type=int, default=6, help="demo hour to start at (6)")
    parser.add_argument("--seed", type=int, default=None, help="random seed, for a replayable run")
    parser.add_argument("--flaky-url", default="http://127.0.0.1:8099/flaky")
    parser.add_argument("--dead-letters", type=int, default=1, help="unreadable events to send (1)")
    parser.add_argument("--topic-prefix", default="", help="the services' TOPIC_PREFIX ('')")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(demo(args))


if __name__ == "__main__":
    main()
