"""The HTTP contract: each service's OpenAPI document, as its app serves it, written to
`contracts/openapi/<service>.json` and gated by oasdiff's breaking-change check."""

import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from ticketflow_common.runtime import Runtime
from ticketflow_common.service_main import ServiceSpec, build_app
from ticketflow_common.topics import TopicNames

ROOT = Path(__file__).resolve().parents[1]
OPENAPI = ROOT / "contracts" / "openapi"
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "pyproject.toml").exists())
OASDIFF = ROOT / ".local" / "bin" / "oasdiff"
TOOLS_SCRIPT = ROOT / "infra" / "local" / "openapi_tools.sh"
ERROR = 3
"""oasdiff's level for a change that breaks clients (2 warns, 1 informs)."""
SERVERS = {
    "intake": 8001,
    "routing": 8002,
    "sla": 8003,
    "notify": 8004,
    "insights": 8005,
    "knowledge": 8006,
    "mail": 8007,
    "identity": 8008,
    "automation": 8009,
    "console": 8010,
}


def _settings_class(service: str) -> type[Any]:
    module = __import__(f"ticketflow_{service}.settings", fromlist=["_"])
    return next(
        v
        for k, v in vars(module).items()
        if k.endswith("Settings") and isinstance(v, type) and v.__module__ == module.__name__
    )


def service_document(service: str) -> dict[str, Any]:
    """The document the service's app serves, built without Postgres or Kafka: settings at
    their defaults (no route's shape depends on a secret)."""
    settings = _settings_class(service).model_construct(
        database_url=SecretStr("postgresql://openapi@localhost/openapi"),
        kafka_bootstrap_servers="localhost:9092",
        api_token=SecretStr("openapi-document-only"),
    )
    main = __import__(f"ticketflow_{service}.main", fromlist=["_"])
    spec: ServiceSpec[Any] = main.SPEC if hasattr(main, "SPEC") else main.spec(settings)
    runtime = Runtime(
        service=service,
        settings=settings,
        pool=None,
        producer=None,
        names=TopicNames(""),
    )
    app = build_app(spec, runtime)
    app.servers = [
        {"url": f"http://127.0.0.1:{SERVERS[service]}", "description": "make run (loopback)"}
    ]
    app.openapi_schema = None
    document: dict[str, Any] = app.openapi()
    return document


def document_path(service: str) -> Path:
    return OPENAPI / f"{service}.json"


def rendered_documents() -> dict[Path, str]:
    return {
        document_path(s): json.dumps(service_document(s), indent=2, sort_keys=True) + "\n"
        for s in SERVICES
    }


def breaking_changes(old: str, new: str) -> list[str]:
    """oasdiff's ERR-level breaking changes (what a generated client would no longer do)."""
    if not OASDIFF.exists():  # a fresh worktree: the pinned install, cached in .local/
        subprocess.run([str(TOOLS_SCRIPT)], check=True)  # noqa: S603 (the repo's own script)
    with tempfile.TemporaryDirectory() as tmp:
        before, after = Path(tmp, "before.json"), Path(tmp, "after.json")
        before.write_text(old)
        after.write_text(new)
        result = subprocess.run(  # noqa: S603 (the pinned binary on files written here)
            [str(OASDIFF), "breaking", str(before), str(after), "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(f"oasdiff failed: {result.stderr.strip()}")
    changes = json.loads(result.stdout or "[]")
    return [
        f"{c.get('operation', '')} {c.get('path', '')}: {c.get('text', c.get('id'))}".strip()
        for c in changes
        if c.get("level") == ERROR
    ] + renamed_operations(json.loads(old), json.loads(new))


def _operation_ids(document: dict[str, Any]) -> dict[str, str]:
    return {
        f"{method.upper()} {path}": operation["operationId"]
        for path, item in document.get("paths", {}).items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }


def renamed_operations(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """A generated client's method is named by the operation id: renaming one breaks callers
    (oasdiff only warns)."""
    before, after = _operation_ids(old), _operation_ids(new)
    return [
        f"{route}: operation id {name} became {after[route]}"
        for route, name in before.items()
        if route in after and after[route] != name
    ]
