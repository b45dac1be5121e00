"""Where each service spends its CPU under the end-to-end workload: py-spy on every process.

Run: `uv run python -m bench.profile_services [--rate 50] [--seconds 30] [--top 25]`. Starts the
system as `bench.end_to_end_latency` does, files tickets at the rate while `py-spy record` samples
each service (only samples holding the GIL: the Python CPU, not time spent waiting), and prints
per service the functions holding the most samples, inclusive and self. Raw collapsed stacks go
to `.local/profiles/<service>.txt` for a flame graph (`speedscope`, `flamegraph.pl`).
"""

import argparse
import asyncio
import contextlib
import shutil
import sys
from collections import Counter
from pathlib import Path

from bench.end_to_end_latency import ROOT, Arrivals, measured_system, one_rate
from bench.infra import bench_infra
from tests.running_system import System

PROFILED = ("intake", "routing", "sla", "notify")


def py_spy() -> str:
    """The py-spy next to this interpreter (a dev dependency), else one on PATH."""
    beside = Path(sys.executable).with_name("py-spy")
    found = str(beside) if beside.exists() else shutil.which("py-spy")
    if not found:
        raise SystemExit("py-spy not found: `uv sync` installs it with the dev dependencies")
    return found


def top_functions(collapsed: Path, top: int) -> tuple[int, list[tuple[str, int, int]]]:
    """(samples, [(frame, inclusive, self)]) of a py-spy raw (collapsed stacks) file."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_short(f) for f in stack.split(";")[1:]]  # the first is the thread
        total += count
        for frame in set(frames):
            inclusive[frame] += count
        if frames:
            own[frames[-1]] += count
    rows = [(f, n, own.get(f, 0)) for f, n in inclusive.most_common(top)]
    return total, rows


async def start_spies(
    system: System, *, seconds: float, native: bool, out: Path, prefix: str = ""
) -> list[asyncio.subprocess.Process]:
    """`py-spy record` on each profiled service for `seconds`, into `out/<prefix><name>.txt`."""
    spies = []
    for name in PROFILED:
        process = system.services[name].process
        assert process is not None
        spies.append(
            await asyncio.create_subprocess_exec(
                py_spy(), "record", "--pid", str(process.pid), "--rate", "200",
                "--duration", str(int(seconds)), "--format", "raw", "--gil",
                *(["--native"] if native else ["--nonblocking"]),
                "--output", str(out / f"{prefix}{name}.txt"),
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )
        )  # fmt: skip
    return spies


async def spies_done(spies: list[asyncio.subprocess.Process]) -> None:
    for spy in spies:
        with contextlib.suppress(ProcessLookupError):
            await asyncio.wait_for(spy.wait(), timeout=30)


def print_profile(collapsed: Path, top: int, title: str) -> None:
    """The busiest functions of one recording, inclusive and self shares."""
    total, rows = top_functions(collapsed, top)
    print(f"\n== {title}, {total} busy samples")
    for frame, inclusive, own in rows:
        share, own_share = 100 * inclusive / max(1, total), 100 * own / max(1, total)
        print(f"  {share:5.1f}% {own_share:5.1f}%  {frame}")


def _short(frame: str) -> str:
    """`function (path/to/module.py:line)` with the path from site-packages or src onwards."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    for marker in ("site-packages/", "/src/", "lib/python3.11/"):
        if marker in where:
            where = where.split(marker, 1)[1]
            break
    return f"{name} ({where.rsplit(':', 1)[0]})"


async def profile(*, rate: float, seconds: float, top: int, native: bool) -> None:
    out = ROOT / ".local" / "profiles"
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.txt"):
        stale.unlink()
    arrivals = Arrivals()
    async with measured_system(bench_infra(), arrivals) as system:
        await one_rate(system, arrivals, min(rate, 10), 3)  # warm up: connections, caches
        spies = await start_spies(system, seconds=seconds, native=native, out=out)
        row = await one_rate(system, arrivals, rate, seconds)
        await spies_done(spies)
    print(f"{rate:g}/s for {seconds:g} s: {row['tickets']} tickets; to bus {row['to_bus']}")
    for name in PROFILED:
        stats = row["services"].get(name, {})
        per_ticket = 1000 * stats.get("cpu_s", 0) / max(1, row["tickets"])
        print_profile(out / f"{name}.txt", top, f"{name}: {per_ticket:.2f} ms CPU per ticket")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--native",
        action="store_true",
        help="C extensions' frames too (pauses the process per sample)",
    )
    args = parser.parse_args()
    asyncio.run(profile(rate=args.rate, seconds=args.seconds, top=args.top, native=args.native))
