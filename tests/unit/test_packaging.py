"""Every workspace package says it is typed (PEP 561) and is checked by deptry in `make lint`."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["uv"]["workspace"][
    "members"
]


def test_every_package_ships_py_typed() -> None:
    for member in MEMBERS:
        project = tomllib.loads((ROOT / member / "pyproject.toml").read_text("utf-8"))
        for package in project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]:
            assert (ROOT / member / package / "py.typed").is_file(), f"{member}: {package}"


def test_lint_runs_deptry_over_every_member() -> None:
    makefile = (ROOT / "Makefile").read_text()
    loop = re.search(r"for member in ([^;]+); do", makefile)
    assert loop, "make lint runs no deptry loop"
    covered = {
        str(path.relative_to(ROOT))
        for pattern in loop[1].split()
        for path in ROOT.glob(pattern.rstrip("/"))
    }
    assert set(MEMBERS) <= covered
    assert "deptry" in makefile.split("lint:", 1)[1].split("\n\n", 1)[0]


def test_the_kafka_broker_logs_through_one_log4j_version() -> None:
    pom = (ROOT / "infra" / "kafka" / "pom.xml").read_text("utf-8")
    version = re.search(r"<log4j.version>(\d+)\.(\d+)\.(\d+)</log4j.version>", pom)
    assert version
    assert (int(version[1]), int(version[2])) >= (2, 26)
    log4j = re.findall(
        r"<groupId>org.apache.logging.log4j</groupId>\s*"
        r"<artifactId>[^<]+</artifactId>\s*<version>([^<]+)</version>",
        pom,
    )
    assert log4j
    assert set(log4j) == {"${log4j.version}"}
