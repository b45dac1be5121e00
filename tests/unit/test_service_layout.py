"""Every service has the one shape of docs/architecture.md, and import contracts guard it."""

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "pyproject.toml").exists())
FOLDERS = {"api", "commands", "domain", "store", "messaging", "workers"}
OPTIONAL = {"adapters"}  # outbound I/O other than the database, where a service has any
ROOT_FILES = {"__init__.py", "__main__.py", "main.py", "settings.py", "py.typed"}  # PEP 561
RESOURCES = {"migrations"}
WEB_RESOURCES = {"templates", "static"}  # a service that renders pages (the console)
CLOCK_READS = re.compile(r"\b(datetime\.(now|utcnow|today)|date\.today|time\.time)\(")


def package_of(service: str) -> Path:
    return ROOT / "services" / service / "src" / f"ticketflow_{service}"


def entries(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.name != "__pycache__"}


def test_the_services_are_the_known_four_or_more() -> None:
    assert {"intake", "routing", "sla", "notify"} <= set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_folder_holds_its_project_schema_and_one_package(service: str) -> None:
    assert entries(ROOT / "services" / service) == {"pyproject.toml", "schema.txt", "src"}
    assert entries(ROOT / "services" / service / "src") == {f"ticketflow_{service}"}


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_root_holds_exactly_the_shape(service: str) -> None:
    assert (
        entries(package_of(service)) - OPTIONAL - WEB_RESOURCES == ROOT_FILES | RESOURCES | FOLDERS
    )


def layers_of(service: str) -> set[str]:
    return FOLDERS | (OPTIONAL & entries(package_of(service)))


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_each_folder_is_a_package_of_modules(service: str, folder: str) -> None:
    path = package_of(service) / folder
    assert (path / "__init__.py").exists()
    modules = [p for p in path.rglob("*.py") if p.name != "__init__.py"]
    assert modules, f"{service}/{folder} is empty"


@pytest.mark.parametrize("service", SERVICES)
def test_messaging_is_one_event_table(service: str) -> None:
    tree = ast.parse((package_of(service) / "messaging" / "events.py").read_text())
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert "event_table" in functions


@pytest.mark.parametrize("service", SERVICES)
def test_routes_find_their_aliases_in_api_deps(service: str) -> None:
    assert (package_of(service) / "api" / "deps.py").exists()


def contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    found: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_layer_of_every_service_is_under_an_import_contract(service: str) -> None:
    guarded = {
        str(source)
        for contract in contracts()
        if contract["type"] == "forbidden"
        for source in contract["source_modules"]  # type: ignore[attr-defined]
    }
    assert {f"ticketflow_{service}.{layer}" for layer in layers_of(service)} <= guarded


@pytest.mark.parametrize("service", SERVICES)
def test_time_comes_from_the_service_context_clock(service: str) -> None:
    """No module reads the wall clock: `now` is passed in, so every deadline rule is testable."""
    readers = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in package_of(service).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if CLOCK_READS.search(line)
    ]
    assert readers == []


def test_services_are_independent_of_each_other() -> None:
    independent = [c for c in contracts() if c["type"] == "independence"]
    assert independent
    modules = set(independent[0]["modules"])  # type: ignore[call-overload]
    assert {f"ticketflow_{s}" for s in SERVICES} <= modules


def test_make_lint_checks_the_import_contracts() -> None:
    lint = (ROOT / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "lint-imports" in lint
