"""Benchmark: what each service burns with no traffic, in ms of CPU per second.

Run: `uv run python -m bench.idle_cost [--seconds 30] [--profile]`. Starts the system as
`bench.end_to_end_latency` does, files a few tickets to warm it (connections, caches, consumer
groups joined), then measures each process's CPU over `--seconds` of silence. At 100 tickets/s a
service's idle cost adds (its ms per second) / 100 to its CPU per ticket. `--profile` also
records each service with py-spy meanwhile (raw stacks in `.local/profiles/idle-<service>.txt`)
and prints its busiest functions.
"""

import argparse
import asyncio

from bench.end_to_end_latency import ROOT, Arrivals, infra_servers, measured_system, one_rate
from bench.infra import bench_infra
from bench.process_stats import tree_cpu_seconds, watching
from bench.profile_services import PROFILED, print_profile, spies_done, start_spies


async def measure(*, seconds: float, profile: bool, top: int) -> None:
    out = ROOT / ".local" / "profiles"
    out.mkdir(parents=True, exist_ok=True)
    arrivals = Arrivals()
    async with measured_system(bench_infra(), arrivals) as system:
        await one_rate(system, arrivals, 10, 3)
        spies = []
        if profile:
            spies = await start_spies(
                system, seconds=seconds, native=False, out=out, prefix="idle-"
            )
        servers = infra_servers(system)
        servers_before = {name: tree_cpu_seconds(pid) for name, pid in servers.items()}
        pids = [(name, p.process.pid) for name, p in system.services.items() if p.process]
        async with watching(pids) as watch:
            await asyncio.sleep(seconds)  # the measured silence itself, not a synchronisation
        used = {name: stats["cpu_s"] for name, stats in watch.by_name().items()}
        for name, pid in servers.items():
            before, after = servers_before[name], tree_cpu_seconds(pid)
            if before is not None and after is not None:
                used[name] = after - before
        await spies_done(spies)
    services = sum(v for k, v in used.items() if k in PROFILED)
    print(f"idle for {seconds:g} s, ms of CPU per second:")
    for name, cpu_s in used.items():
        print(f"  {name:10s} {1000 * cpu_s / seconds:7.1f}")
    print(f"  {'services':10s} {1000 * services / seconds:7.1f}"
          f"  (= {10 * services / seconds:.2f} ms per ticket at 100/s)")  # fmt: skip
    if profile:
        for name in PROFILED:
            print_profile(out / f"idle-{name}.txt", top, name)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(measure(seconds=args.seconds, profile=args.profile, top=args.top))
