"""CPU time and memory of running processes, read from /proc while they live."""

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds a live process has used; None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def memory_kib(pid: int) -> tuple[int, int] | None:
    """(resident, peak resident) KiB of a live process."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = {}
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found.get("VmRSS", 0), found.get("VmHWM", 0)


@dataclass
class ProcessStats:
    """One process watched over a phase: CPU used since the first sample, peak memory."""

    name: str
    pid: int
    first_cpu: float | None = None
    last_cpu: float | None = None
    rss_kib: int = 0
    peak_rss_kib: int = 0
    samples: list[tuple[float, int]] = field(default_factory=list)

    def sample(self, at: float) -> None:
        cpu, memory = cpu_seconds(self.pid), memory_kib(self.pid)
        if cpu is None or memory is None:
            return
        if self.first_cpu is None:
            self.first_cpu = cpu
        self.last_cpu = cpu
        self.rss_kib, peak = memory
        self.peak_rss_kib = max(self.peak_rss_kib, peak)
        self.samples.append((at, self.rss_kib))

    @property
    def cpu_used(self) -> float:
        if self.first_cpu is None or self.last_cpu is None:
            return 0.0
        return self.last_cpu - self.first_cpu


@dataclass
class Watch:
    """Processes sampled together every `interval` seconds while a phase runs."""

    processes: list[ProcessStats]
    started: float = 0.0
    ended: float = 0.0

    def by_name(self) -> dict[str, dict[str, float]]:
        """Per name, summed over its replicas: CPU seconds, mean CPU %, peak RSS MiB."""
        wall = max(self.ended - self.started, 1e-9)
        out: dict[str, dict[str, float]] = {}
        for p in self.processes:
            row = out.setdefault(
                p.name, {"replicas": 0, "cpu_s": 0.0, "cpu_pct": 0.0, "peak_rss_mib": 0.0}
            )
            row["replicas"] += 1
            row["cpu_s"] = round(row["cpu_s"] + p.cpu_used, 2)
            row["cpu_pct"] = round(row["cpu_pct"] + 100 * p.cpu_used / wall, 1)
            row["peak_rss_mib"] = round(row["peak_rss_mib"] + p.peak_rss_kib / 1024, 1)
        return out


@contextlib.asynccontextmanager
async def watching(
    named_pids: Iterable[tuple[str, int]], *, interval: float = 0.5
) -> AsyncIterator[Watch]:
    """Sample CPU and memory of the given processes until the block ends."""
    loop = asyncio.get_running_loop()
    watch = Watch([ProcessStats(name, pid) for name, pid in named_pids], started=loop.time())
    for process in watch.processes:
        process.sample(0.0)

    async def sampler() -> None:
        while True:
            await asyncio.sleep(interval)
            for process in watch.processes:
                process.sample(loop.time() - watch.started)

    task = asyncio.create_task(sampler())
    try:
        yield watch
    finally:
        for process in watch.processes:
            process.sample(loop.time() - watch.started)
        watch.ended = loop.time()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def host_ticks() -> tuple[int, int] | None:
    """(steal, total) CPU ticks of the machine so far, from /proc/stat."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    ticks = [int(v) for v in first[:8]]
    return ticks[7], sum(ticks)


def steal_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """The share of CPU time the hypervisor gave other guests between two `host_ticks()` (the
    "st" of vmstat): on a shared host, the tail of any latency figure follows it."""
    if before is None or after is None or after[1] == before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def tree_cpu_seconds(pid: int) -> float | None:
    """CPU seconds of a process, its reaped children and its live children: a Postgres
    postmaster's backends come and go, and those that ended count in its `cutime`."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    total = sum(int(f) for f in fields[11:15]) / TICKS  # utime, stime, cutime, cstime
    for child in Path("/proc").iterdir():
        if not child.name.isdigit():
            continue
        try:
            stat = (child / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[1]) == pid:
            total += (int(stat[11]) + int(stat[12])) / TICKS
    return total


def listening_pid(port: int) -> int | None:
    """The pid of the process with a listening TCP socket on 127.0.0.1:`port` (a server this
    machine runs: the local Postgres or Kafka)."""
    wanted = f"0100007F:{port:04X}"
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                parts = line.split()
                mine = table.endswith("6") or parts[1] == wanted
                if mine and parts[1].endswith(f":{port:04X}") and parts[3] == "0A":
                    inodes.add(parts[9])
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (proc / "fd").iterdir():
                link = os.readlink(fd)
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(proc.name)
    return None
