"""The services as separate processes on one database and topic prefix: tests, benchmarks.
The four core ones by default; `services=WITH_INSIGHTS` adds insights, `WITH_MAIL` mail (its SMTP
gateway on `System.smtp_gateway_port`), `WITH_AUTOMATION` automation, `EVERY_SERVICE` all eight.

Identity runs beside them (unless `identity=False`) and every service verifies its access
tokens, as in `make run`: the system bootstraps an admin with identity's bootstrap token
(`POST /principals`, `POST /principals/{id}/keys`), and `System.auth(service)` sends that
admin's access token, exchanged at identity's `POST /token` and again before it expires. The
services' own tokens (`System.tokens`, `System.service_auth`) are bootstrap credentials only.

Any service may run as several replicas (same environment, each its own port and log), the way
SREs scale one service on its own.
"""

import asyncio
import contextlib
import re
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette

from tests.kafka_helpers import delete_topics
from tests.polling import eventually
from tests.processes import ServiceProcess, free_port
from ticketflow_cli.credentials import IdentityCredential
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.topics import TopicNames

SERVICES = ("intake", "routing", "sla", "notify")
WITH_INSIGHTS = (*SERVICES, "insights")
WITH_MAIL = (*SERVICES, "mail")
WITH_AUTOMATION = (*SERVICES, "automation")
EVERY_SERVICE = (*WITH_INSIGHTS, "knowledge", "mail", "automation")
IDENTITY = "identity"
ADMIN_NAME = "e2e admin"
KEY_PATTERN = re.compile(r"tfid_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


@dataclass
class System:
    """`services[name]` is a service's first replica; `replicas[name]` all of them."""

    replicas: dict[str, list[ServiceProcess]]
    tokens: dict[str, str]
    names: TopicNames
    kafka_bootstrap: str
    database_url: str
    signing_secret: str = ""
    """Signs knowledge's and mail's access tokens and the answer and survey links notify mails
    (one per system)."""
    smtp_gateway_port: int = 0
    """Where mail's SMTP gateway listens (0: mail is not running)."""
    exit_codes: dict[str, list[int | None]] = field(default_factory=dict)
    """Per service, each replica's exit code after the graceful stop (None: it had to be killed)."""
    api_key: str = ""
    """The identity admin's API key (`tfid_...`; empty: identity is not running)."""
    _credential: IdentityCredential | None = field(default=None, repr=False)

    @property
    def services(self) -> dict[str, ServiceProcess]:
        return {name: processes[0] for name, processes in self.replicas.items()}

    def url(self, service: str) -> str:
        return self.replicas[service][0].url

    @property
    def identity_url(self) -> str | None:
        return self.url(IDENTITY) if IDENTITY in self.replicas else None

    def token(self) -> str:
        """The admin's access token: exchanged once, again a minute before it expires."""
        if self._credential is None:
            raise AssertionError("this system runs without identity: use System.tokens")
        return self._credential.bearer()

    def bearer(self, service: str) -> str:
        """What an admin sends `service`: the access token, or without identity its token."""
        return self.token() if self._credential is not None else self.tokens[service]

    def auth(self, service: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.bearer(service)}"}

    def service_auth(self, service: str) -> dict[str, str]:
        """The service's own token: with identity on, it may only set identity up."""
        return {"Authorization": f"Bearer {self.tokens[service]}"}

    def bearers(self) -> Mapping[str, str]:
        """service -> bearer, looked up on each use (so never stale)."""
        return _Bearers(self)


class _Bearers(Mapping[str, str]):
    def __init__(self, system: System) -> None:
        self.system = system

    def __getitem__(self, service: str) -> str:
        if service not in self.system.tokens:
            raise KeyError(service)
        return self.system.bearer(service)

    def __iter__(self) -> Iterator[str]:
        return iter(self.system.tokens)

    def __len__(self) -> int:
        return len(self.system.tokens)


async def bootstrap_admin(identity: ServiceProcess, *, bootstrap_token: str) -> str:
    """An identity admin's API key, set up with identity's bootstrap token the way an operator
    scripts it over HTTP (`make run` uses the `bootstrap-admin` command instead)."""
    auth = {"Authorization": f"Bearer {bootstrap_token}"}
    async with httpx.AsyncClient(base_url=identity.url, headers=auth, timeout=30) as http:
        admin = await http.post(
            "/principals",
            json={"kind": "person", "display_name": ADMIN_NAME, "role": "admin",
                  "email": "e2e-admin@ticketflow.test"},
        )  # fmt: skip
        assert admin.status_code == 201, f"POST /principals: {admin.status_code} {admin.text}"
        key = await http.post(
            f"/principals/{admin.json()['principal_id']}/keys", json={"name": "e2e"}
        )
        assert key.status_code == 201, f"POST /principals/{{id}}/keys: {key.status_code} {key.text}"
    token: str = key.json()["token"]
    assert KEY_PATTERN.fullmatch(token), "identity's key is not tfid_<id>.<secret>"
    return token


@contextlib.asynccontextmanager
async def running_system(
    *,
    database_url: str,
    kafka_bootstrap: str,
    logs: Path,
    extra_env: dict[str, str] | None = None,
    partitions: int = 3,
    replicas: Mapping[str, int] | None = None,
    services: Sequence[str] = SERVICES,
    identity: bool = True,
) -> AsyncIterator[System]:
    """Start `services` (`replicas[name]` processes of a service, 1 by default) and identity,
    wait until each is ready; SIGTERM them all afterwards.

    A single replica logs to `<service>.log`, several to `<service>-<i>.log`.
    """
    if identity and IDENTITY not in services:
        services = (IDENTITY, *services)
    counts = {service: (replicas or {}).get(service, 1) for service in services}
    unknown = set(replicas or {}) - set(services)
    if unknown or any(n < 1 for n in counts.values()):
        raise ValueError(f"replicas: unknown services {sorted(unknown)} or a count below 1")
    names = TopicNames(f"sys{uuid.uuid4().hex[:8]}.")
    await ensure_topics(bootstrap_servers=kafka_bootstrap, names=names, partitions=partitions)
    tokens = {s: secrets.token_urlsafe(24) for s in services}
    signing_secret = secrets.token_urlsafe(32)
    gateway_port = free_port() if "mail" in services else 0
    identity_port = free_port() if IDENTITY in services else 0
    identity_url = f"http://127.0.0.1:{identity_port}"
    processes: dict[str, list[ServiceProcess]] = {}
    for service in services:
        prefix = service.upper()
        env = {
            f"{prefix}_DATABASE_URL": database_url,
            f"{prefix}_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            f"{prefix}_API_TOKEN": tokens[service],
            f"{prefix}_TOPIC_PREFIX": names.prefix,
            "NOTIFY_RETRY_SCHEDULE_SECONDS": "[0, 0.3, 0.6, 1.0]",
            "INTAKE_RATE_LIMIT_PER_SECOND": "100000",
            "INTAKE_RATE_LIMIT_BURST": "100000",
            # Receivers in tests listen on loopback, which notify refuses unless allow-listed.
            "NOTIFY_ALLOWED_PRIVATE_NETWORKS": '["127.0.0.0/8"]',
            "KNOWLEDGE_ACCESS_TOKEN_SECRET": signing_secret,
            "KNOWLEDGE_ANSWER_LINK_SECRET": signing_secret,
            "NOTIFY_KNOWLEDGE_ANSWER_LINK_SECRET": signing_secret,
            "INTAKE_SURVEY_LINK_SECRET": signing_secret,
            "NOTIFY_SURVEY_LINK_SECRET": signing_secret,
            "INTAKE_APPROVAL_LINK_SECRET": signing_secret,
            "NOTIFY_APPROVAL_LINK_SECRET": signing_secret,
            "MAIL_ACCESS_TOKEN_SECRET": signing_secret,
            "IDENTITY_SIGNING_KEY_SECRET": signing_secret,
            "IDENTITY_PUBLIC_URL": identity_url,
            **({f"{prefix}_IDENTITY_ISSUER": identity_url} if identity_port else {}),
            # Mail relays its replies where notify sends its mails (a test's SMTP server), unless
            # a test says otherwise.
            "MAIL_SMTP_RELAY_HOST": "127.0.0.1",
            "MAIL_SMTP_RELAY_PORT": (extra_env or {}).get("NOTIFY_SMTP_PORT", "25"),
            **(extra_env or {}),
        }
        processes[service] = []
        for index in range(counts[service]):
            port = identity_port if service == IDENTITY and index == 0 else free_port()
            log_name = f"{service}.log" if counts[service] == 1 else f"{service}-{index}.log"
            own = {f"{prefix}_HTTP_PORT": str(port)}
            if service == "mail":  # each replica its own gateway; the first one's is the system's
                own["MAIL_SMTP_GATEWAY_PORT"] = str(gateway_port if index == 0 else free_port())
            processes[service].append(
                ServiceProcess(service, {**env, **own}, port, logs / log_name)
            )
    every = [process for replicas_of in processes.values() for process in replicas_of]
    for process in every:
        await process.start()
    system = System(
        processes,
        tokens,
        names,
        kafka_bootstrap,
        database_url,
        signing_secret=signing_secret,
        smtp_gateway_port=gateway_port,
    )
    try:
        if identity_port:
            # Identity first: the others' start-up (and a loaded machine) must not starve it.
            await processes[IDENTITY][0].wait_ready(within=120)
            system.api_key = await bootstrap_admin(
                processes[IDENTITY][0], bootstrap_token=tokens[IDENTITY]
            )
            system._credential = IdentityCredential(
                identity_url=identity_url, api_key=system.api_key, cache=None
            )
        for process in every:
            await process.wait_ready()
        yield system
    finally:
        system.exit_codes = {
            service: list(await asyncio.gather(*(p.terminate() for p in replicas_of)))
            for service, replicas_of in processes.items()
        }
        await delete_topics(bootstrap=kafka_bootstrap, prefix=names.prefix)


@contextlib.asynccontextmanager
async def serving(app: Starlette, port: int) -> AsyncIterator[None]:
    """Serve `app` on 127.0.0.1:`port` in this event loop for the duration of the block."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return bool(server.started)

    await eventually(started, what=f"a test server on port {port}", within=10)
    try:
        yield
    finally:
        server.should_exit = True
        await task
