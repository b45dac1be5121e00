"""docs/architecture.md stays true: every file it names exists, and it answers 15+ changes."""

import re
from pathlib import Path

from ticketflow_common.topics import ALL_TOPICS, CONSUMED_BY, PUBLISHED_BY

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
SERVICE_FILE = re.compile(r"`((?:services|libs|tests|docs)/[\w/.<>-]+\.(?:py|md|toml))`")
RELATIVE = re.compile(r"`((?:api|commands|domain|store|messaging|workers|adapters)/\w+\.py)`")


def where_rows() -> list[str]:
    section = DOC.read_text().split("## Where do I change...", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ") and "---" not in line][
        1:
    ]


def test_every_named_path_exists() -> None:
    named = set(SERVICE_FILE.findall(DOC.read_text()))
    assert named, "the page names files"
    missing = [p for p in named if "<" not in p and not (ROOT / p).exists()]
    assert missing == []


def test_every_folder_relative_module_exists_in_some_service() -> None:
    services = [p / "src" / f"ticketflow_{p.name}" for p in (ROOT / "services").iterdir()]
    named = set(RELATIVE.findall(DOC.read_text()))
    missing = [m for m in named if not any((s / m).exists() for s in services)]
    assert missing == []


def test_the_where_table_answers_at_least_fifteen_changes_each_with_one_file() -> None:
    rows = where_rows()
    assert len(rows) >= 15
    for row in rows:
        assert "`" in row.split("|")[2], f"no file named in: {row}"


def test_the_topics_table_is_who_consumes_what() -> None:
    """The page's topic table says what `topics.CONSUMED_BY` does, no more and no less."""
    section = DOC.read_text().split("| topic | published by | consumed by |", 1)[1]
    rows = [line for line in section.split("\n\n", 1)[0].splitlines()[2:] if line.startswith("|")]
    documented = {
        cells[0].strip("` "): (
            cells[1].strip(),
            {c.strip() for c in cells[2].split(",") if c.strip()},
        )
        for cells in (row.strip("|").split("|") for row in rows)
    }
    actual = {
        topic: (
            PUBLISHED_BY[topic],
            {service for service, topics in CONSUMED_BY.items() if topic in topics},
        )
        for topic in ALL_TOPICS
    }
    assert documented == actual
