"""A real Dovecot IMAP server on loopback for mail's tests: `dovecot -F` on a config of its own in
a temporary directory (plain login without TLS, one passwd-file user, Maildir), stopped by pid."""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.processes import free_port

INSTALL_SCRIPT = Path(__file__).resolve().parents[2] / "infra" / "local" / "dovecot.sh"
USER = "ticketflow"
PASSWORD = "mailbox-test-password"
START_SECONDS = 15.0


@dataclass(frozen=True)
class Dovecot:
    """Where the test server listens and whom it lets in."""

    host: str
    port: int
    user: str
    password: str
    directory: Path


def _mail_owner() -> tuple[int, int, str, str]:
    """The uid/gid mail is kept as and the internal/login users: Dovecot's own system users when
    run as root (it never gives mail to uid 0), else whoever runs the tests."""
    if os.geteuid() == 0:
        internal = pwd.getpwnam("dovecot")
        login = pwd.getpwnam("dovenull")
        return internal.pw_uid, internal.pw_gid, internal.pw_name, login.pw_name
    me = pwd.getpwuid(os.geteuid())
    return me.pw_uid, me.pw_gid, me.pw_name, me.pw_name


def config_text(*, directory: Path, port: int) -> str:
    """The whole configuration: nothing read from /etc/dovecot."""
    uid, gid, internal, login = _mail_owner()
    del uid, gid
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {directory}/run
state_dir = {directory}/state
log_path = {directory}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {internal}
default_internal_group = {internal}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:{directory}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {directory}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {directory}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def dovecot_binary() -> str:
    """Debian's dovecot, installed by infra/local/dovecot.sh when missing (a no-op after)."""
    found = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    if found is None:
        done = subprocess.run(
            [str(INSTALL_SCRIPT), "install"], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"{INSTALL_SCRIPT.name} failed:\n{done.stdout}\n{done.stderr}"
        found = shutil.which("dovecot") or "/usr/sbin/dovecot"
    return found


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5) as s:
        return s.recv(64).startswith(b"* OK")
    return False


@contextlib.contextmanager
def dovecot_server() -> Iterator[Dovecot]:
    """Start Dovecot in the foreground on a free port; stop it (by its pid) after the block."""
    directory = Path(tempfile.mkdtemp(prefix="tf-dovecot-"))
    directory.chmod(0o755)  # Dovecot's own users read the users file and write the Maildir
    uid, gid, _, _ = _mail_owner()
    port = free_port()
    (directory / "users").write_text(
        f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{directory}/home/{USER}::\n"
    )
    for sub in ("mail", "home"):
        (directory / sub).mkdir()
        os.chown(directory / sub, uid, gid)
    config = directory / "dovecot.conf"
    config.write_text(config_text(directory=directory, port=port))
    process = subprocess.Popen(
        [dovecot_binary(), "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                log = directory / "dovecot.log"
                raise RuntimeError(
                    "dovecot did not start: "
                    + (process.stderr.read().decode() if process.stderr and process.poll() else "")
                    + (log.read_text() if log.exists() else "")
                )
            time.sleep(0.05)  # waiting for a process to listen, with a deadline
        yield Dovecot(
            host="127.0.0.1", port=port, user=USER, password=PASSWORD, directory=directory
        )
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr:
            process.stderr.close()
        shutil.rmtree(directory, ignore_errors=True)
