"""Inbound mail benchmark: mails per second through mail's SMTP gateway to tickets, and the
mail-to-ticket latency.

Starts mail and intake as processes on loopback (fresh database, 12-partition topics), then a
few concurrent SMTP clients (aiosmtplib, one connection each) send up to `--mails` mails within
`--seconds` to the gateway: new requests from many senders, half Chinese in GB2312 (encoded-word
subjects), half English in UTF-8. Kafka readers of the mail and tickets topics see each mail's
`mail.received` (parsed) and `ticket.created` (ticketed). Prints mails/s accepted (SMTP `DATA`
answered 250), parsed and ticketed, the latency from `DATA` accepted to `ticket.created`
(observed on the bus, and by the event's own time) p50/p99, and each service's CPU per mail and
peak RSS (bench/process_stats.py).

    set -a; source .local/env; set +a
    uv run python -m bench.mail_inbound [--mails 500] [--seconds 30] [--clients 4] [--rate 20]

Without `--rate` the clients send as fast as the gateway answers (a burst: the latency then
includes the backlog's queueing); with it, mail n is sent n / rate seconds after the start.
"""

import argparse
import asyncio
import contextlib
import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosmtplib

from bench.infra import bench_infra
from bench.latency import summarise
from bench.process_stats import watching
from tests.conftest import fresh_database
from tests.infra import Infra
from tests.kafka_helpers import Tail, tailing
from tests.running_system import running_system
from tests.support.mail import compose
from ticketflow_common.topics import MAIL, TICKETS

ROOT = Path(__file__).resolve().parents[1]
DESK = "support@ticketflow.localhost"
SERVICES = ("intake", "mail")


def mail_number(n: int) -> tuple[str, str, bytes]:
    """The n-th mail: (sender, Message-ID, raw bytes), Chinese GB2312 or English UTF-8."""
    sender = f"user{n % 200}@example.com"
    if n % 2:
        subject, body, charset = (
            f"打印机无法连接网络 {n}",
            f"三楼的打印机从今天早上开始一直显示离线。\n编号 {n}\n\n-- \n张敏\n市场部\n",
            "gb2312",
        )
    else:
        subject, body, charset = (
            f"VPN drops every 10 minutes ({n})",
            f"Since this morning the VPN disconnects. Case {n}.\n\n-- \nAda\nFinance\n",
            "utf-8",
        )
    message_id, raw = compose(
        sender=sender,
        to=DESK,
        subject=subject,
        body=body,
        charset=charset,
        message_id=f"<bench-{n}-{time.time_ns()}@example.com>",
    )
    return sender, message_id, raw


async def client(
    *,
    port: int,
    numbers: "asyncio.Queue[int]",
    deadline: float,
    accepted: dict[str, float],
    pace: float | None,
) -> int:
    """One SMTP connection sending mails until the queue or the time is exhausted; refusals.
    With `pace` (mails/s over all clients) mail n waits for its slot, n / pace after the start."""
    refused = 0
    smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=30)
    await smtp.connect()
    began = time.monotonic()
    try:
        while time.monotonic() < deadline:
            try:
                n = numbers.get_nowait()
            except asyncio.QueueEmpty:
                break
            if pace:
                await asyncio.sleep(max(0.0, began + n / pace - time.monotonic()))
            sender, message_id, raw = mail_number(n)
            try:
                await smtp.sendmail(sender, [DESK], raw)
            except aiosmtplib.SMTPException:
                refused += 1
                continue
            accepted[message_id] = time.time()
    finally:
        with contextlib.suppress(aiosmtplib.SMTPException):
            await smtp.quit()
    return refused


def seen_by(tail: Tail, event_type: str, field: str) -> dict[str, tuple[float, float]]:
    """Per Message-ID, (time seen on the bus, the event's own time), first sighting kept."""
    found: dict[str, tuple[float, float]] = {}
    for observed, event in list(tail.seen):
        if event.get("type") != event_type:
            continue
        key = event["data"].get(field)
        if key and key not in found:
            found[key] = (observed, datetime.fromisoformat(event["time"]).timestamp())
    return found


async def run(
    *, infra: Infra, mails: int, seconds: float, clients: int, rate: float | None
) -> dict[str, Any]:
    logs = ROOT / ".local" / "bench-mail"
    logs.mkdir(parents=True, exist_ok=True)
    env = {
        "MAIL_LOG_LEVEL": "WARNING",
        "INTAKE_LOG_LEVEL": "WARNING",
        "MAIL_SENDER_RATE_LIMIT": "1000000",
    }
    async with (
        fresh_database(infra) as database_url,
        running_system(
            database_url=database_url,
            kafka_bootstrap=infra.kafka_bootstrap_servers,
            logs=logs,
            partitions=12,
            extra_env=env,
            services=SERVICES,
        ) as system,
        tailing(bootstrap=infra.kafka_bootstrap_servers, topic=system.names.physical(MAIL)) as mt,
        tailing(
            bootstrap=infra.kafka_bootstrap_servers, topic=system.names.physical(TICKETS)
        ) as tt,
    ):
        numbers: asyncio.Queue[int] = asyncio.Queue()
        for n in range(mails):
            numbers.put_nowait(n)
        accepted: dict[str, float] = {}
        pids = [(name, p.process.pid) for name, p in system.services.items() if p.process]
        async with watching(pids) as watch:
            started = time.time()
            deadline = time.monotonic() + seconds
            refused = sum(
                await asyncio.gather(
                    *(
                        client(
                            port=system.smtp_gateway_port,
                            numbers=numbers,
                            deadline=deadline,
                            accepted=accepted,
                            pace=rate,
                        )
                        for _ in range(clients)
                    )
                )
            )
            sent_for = time.time() - started
            settle = time.monotonic() + 60
            while time.monotonic() < settle:
                if set(accepted) <= seen_by(tt, "ticket.created", "origin_message_id").keys():
                    break
                await asyncio.sleep(0.2)
        parsed = seen_by(mt, "mail.received", "message_id")
        ticketed = seen_by(tt, "ticket.created", "origin_message_id")
    ours_parsed = {k: v for k, v in parsed.items() if k in accepted}
    ours_ticketed = {k: v for k, v in ticketed.items() if k in accepted}

    def per_second(times: dict[str, tuple[float, float]]) -> float:
        if not times:
            return 0.0
        return round(len(times) / max(max(t for t, _ in times.values()) - started, 1e-9), 1)

    n = max(len(accepted), 1)
    services = watch.by_name()
    return {
        "mails_offered": mails,
        "offered_per_s": rate or "as fast as the clients go",
        "clients": clients,
        "accepted": len(accepted),
        "refused_at_smtp": refused,
        "parsed": len(ours_parsed),
        "ticketed": len(ours_ticketed),
        "accepted_per_s": round(len(accepted) / max(sent_for, 1e-9), 1),
        "parsed_per_s": per_second(ours_parsed),
        "ticketed_per_s": per_second(ours_ticketed),
        "accept_to_parsed_ms": summarise(
            [1000 * (seen - accepted[k]) for k, (seen, _) in ours_parsed.items()]
        ),
        "accept_to_ticket_observed_ms": summarise(
            [1000 * (seen - accepted[k]) for k, (seen, _) in ours_ticketed.items()]
        ),
        "accept_to_ticket_event_time_ms": summarise(
            [1000 * (at - accepted[k]) for k, (_, at) in ours_ticketed.items()]
        ),
        "services": {
            name: {**row, "cpu_ms_per_mail": round(1000 * row["cpu_s"] / n, 2)}
            for name, row in services.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mails", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--rate", type=float, default=None, help="mails/s offered (default: a burst, no pacing)"
    )
    args = parser.parse_args()
    result = asyncio.run(
        run(
            infra=bench_infra(),
            mails=args.mails,
            seconds=args.seconds,
            clients=args.clients,
            rate=args.rate,
        )
    )
    ticket = result["accept_to_ticket_observed_ms"]
    print(
        f"mail inbound: {result['accepted']} accepted ({result['accepted_per_s']}/s),"
        f" {result['parsed']} parsed ({result['parsed_per_s']}/s),"
        f" {result['ticketed']} ticketed ({result['ticketed_per_s']}/s);"
        f" DATA accepted -> ticket.created p50 {ticket.get('p50_ms')} ms,"
        f" p99 {ticket.get('p99_ms')} ms",
        flush=True,
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
