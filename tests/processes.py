"""Running Ticketflow services as real processes in tests, and stopping them by pid."""

import asyncio
import os
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class ServiceProcess:
    """One process started with `python -m <module>` (a service: `ticketflow_<name>`); its
    output goes to `log_path`."""

    name: str
    env: dict[str, str]
    port: int
    log_path: Path
    cpus: str | None = None
    """Run pinned to these cores (`taskset -c`'s list, "0" or "0,1"); None: anywhere."""
    process: asyncio.subprocess.Process | None = field(default=None, init=False)

    @property
    def module(self) -> str:
        """A service's package, or a module named in full (`bench.bare_insert_app`)."""
        return self.name if "." in self.name else f"ticketflow_{self.name}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        log = self.log_path.open("ab")
        pinned = ["taskset", "-c", self.cpus] if self.cpus is not None else []
        self.process = await asyncio.create_subprocess_exec(
            *pinned,
            sys.executable,
            "-m",
            self.module,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=log,
        )
        log.close()

    async def wait_ready(
        self, *, within: float = 60.0, path: str = "/readyz", consuming: bool = True
    ) -> None:
        """Until `path` answers 200 and, on /readyz, the consumers have joined their group
        (unless not `consuming`): readiness needs Postgres only (docs/architecture.md), while a
        test that produces events next wants every replica in the group first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        async with httpx.AsyncClient() as client:
            while True:
                if self.process is not None and self.process.returncode is not None:
                    raise AssertionError(f"{self.name} exited: {self.tail_log()}")
                try:
                    answer = await client.get(f"{self.url}{path}")
                    if answer.status_code == 200 and (
                        not consuming or path != "/readyz" or answer.json()["consumers"] == "ok"
                    ):
                        return
                except httpx.TransportError:
                    pass
                if loop.time() > deadline:
                    raise AssertionError(f"{self.name} not ready in {within} s: {self.tail_log()}")
                await asyncio.sleep(0.2)

    async def terminate(self, *, within: float = 30.0) -> int | None:
        """SIGTERM and wait for a graceful exit; returns the exit code."""
        return await self._stop(signal.SIGTERM, within=within)

    async def kill(self) -> int | None:
        return await self._stop(signal.SIGKILL, within=10.0)

    async def _stop(self, sig: signal.Signals, *, within: float) -> int | None:
        if self.process is None or self.process.returncode is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(sig)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout=within)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            return None

    def tail_log(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
