"""Inbound mail parsing speed (issue 16, item 8): the parsing half of mail-to-ticket.

Run: `uv run python -m bench.mail_parse [--seconds 10] [--max-bytes 26214400]`. No infra: it
reads the unit tests' .eml fixtures (Foxmail GB2312, Big5, Outlook HTML, attachments, a DSN, an
auto-reply, a newsletter, garbage), then parses them round after round for `--seconds` (at most
60) with `parse_mail`, the noise rules, `new_text` already inside, the attachment policy and the
language guess, as the gateway does per message: messages/s and p50/p99 per message, overall
and per fixture."""

import argparse
import sys
import time
from pathlib import Path

from bench.latency import percentile, summarise
from ticketflow_mail.domain.attachment_policy import check_attachment
from ticketflow_mail.domain.language import guess_language
from ticketflow_mail.domain.noise import classify_noise
from ticketflow_mail.domain.parsed import ParsedMail
from ticketflow_mail.domain.parsing import parse_mail
from ticketflow_mail.domain.threading import thread_keys, ticket_reference

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "unit" / "mail" / "messages"
MAX_SECONDS = 60.0


def handle(raw: bytes, *, max_bytes: int) -> None:
    """What the gateway computes for one message before it touches the database."""
    parsed = parse_mail(raw, max_bytes=max_bytes)
    if not isinstance(parsed, ParsedMail):
        return
    classify_noise(parsed)
    thread_keys(parsed)
    ticket_reference(parsed.subject)
    guess_language(parsed.new_text)
    for att in parsed.attachments:
        check_attachment(att, max_bytes=max_bytes)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--max-bytes", type=int, default=25 * 1024 * 1024)
    args = parser.parse_args(argv)
    seconds = min(max(args.seconds, 0.1), MAX_SECONDS)
    messages = {p.name: p.read_bytes() for p in sorted(FIXTURES.glob("*.eml"))}
    if not messages:
        sys.exit(f"no fixtures under {FIXTURES}")
    per_fixture: dict[str, list[float]] = {name: [] for name in messages}
    everything: list[float] = []
    started = time.perf_counter()
    cpu_started = time.process_time()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for name, raw in messages.items():
            t0 = time.perf_counter()
            handle(raw, max_bytes=args.max_bytes)
            elapsed_ms = (time.perf_counter() - t0) * 1000
            per_fixture[name].append(elapsed_ms)
            everything.append(elapsed_ms)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(f"mail parse: {len(everything)} messages ({len(messages)} fixtures) in {wall:.1f} s")
    rate, cpu_rate = len(everything) / wall, len(everything) / cpu
    print(f"  {rate:,.0f} messages/s on one core ({cpu_rate:,.0f} per CPU second)")
    overall = summarise(everything)
    print(f"  per message: p50 {overall['p50_ms']} ms  p99 {overall['p99_ms']} ms"
          f"  max {overall['max_ms']} ms")  # fmt: skip
    for name, samples in per_fixture.items():
        p50, p99 = percentile(samples, 50), percentile(samples, 99)
        size = len(messages[name])
        print(f"  {name:34} {size:6d} B  p50 {p50:7.3f} ms  p99 {p99:7.3f} ms")


if __name__ == "__main__":
    main()
