"""A throwaway Postgres cluster of one test's own, which it may restart (never the shared one)."""

import asyncio
import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.processes import free_port

RUN_AS = "postgres"


def postgres_bin_dir() -> Path:
    """The newest installed server's binaries, where Debian's package (infra/local/postgres.sh)
    puts them."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if not found:
        raise AssertionError("no Postgres server binaries: run infra/local/postgres.sh up once")
    return found[-1].parent


def _as_server_user(argv: list[str]) -> list[str]:
    """Postgres refuses to run as root; root runs it as the `postgres` OS user."""
    return ["runuser", "-u", RUN_AS, "--", *argv] if os.geteuid() == 0 else argv


@dataclass(frozen=True)
class PrivatePostgres:
    """One cluster on a free loopback port, data in a temporary directory, trust auth for the
    superuser (it lives only as long as the test)."""

    bin_dir: Path
    root: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql://{RUN_AS}@127.0.0.1:{self.port}/postgres"

    def _argv(self, tool: str, *args: str) -> list[str]:
        return _as_server_user([str(self.bin_dir / tool), *args])

    def _pg_ctl(self, action: str, *args: str) -> list[str]:
        log = str(self.root / "postgres.log")
        return self._argv("pg_ctl", action, "-D", str(self.data_dir), "-l", log, "-w", *args)

    def init_and_start(self) -> None:
        subprocess.run(
            self._argv(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                RUN_AS,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ),
            check=True,
            capture_output=True,
        )
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.root}'",
            "max_connections": "20",
            "shared_buffers": "16MB",
            "fsync": "off",
        }
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        subprocess.run(self._pg_ctl("start", "-t", "60"), check=True, capture_output=True)

    async def restart(self) -> None:
        """`pg_ctl restart -m fast`: every session is ended, as in a real restart."""
        process = await asyncio.create_subprocess_exec(
            *self._pg_ctl("restart", "-m", "fast", "-t", "60"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert await process.wait() == 0, (self.root / "postgres.log").read_text()[-2000:]

    def stop(self) -> None:
        subprocess.run(
            self._argv("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w"),
            check=False,
            capture_output=True,
        )


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """Start a private cluster for the block; stop it by its own pg_ctl and delete its files."""
    root = Path(tempfile.mkdtemp(prefix="tf-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(root, user=RUN_AS, group=RUN_AS)
    cluster = PrivatePostgres(bin_dir=postgres_bin_dir(), root=root, port=free_port())
    try:
        cluster.init_and_start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
