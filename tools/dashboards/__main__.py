"""Render the dashboards: `python -m tools.dashboards --write` (or `--check`, as the tests do)."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tools.dashboards.automation import AUTOMATION
from tools.dashboards.knowledge import KNOWLEDGE
from tools.dashboards.layout import Dashboard, render
from tools.dashboards.planning import PLANNING
from tools.dashboards.service_desk import SERVICE_DESK
from tools.dashboards.services import SERVICES

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS_DIR = ROOT / "infra" / "grafana" / "dashboards"
DASHBOARDS: tuple[Dashboard, ...] = (SERVICE_DESK, SERVICES, PLANNING, KNOWLEDGE, AUTOMATION)


def rendered() -> dict[Path, str]:
    """Each dashboard's file and the JSON it must contain."""
    return {DASHBOARDS_DIR / f"{d.uid}.json": as_json(render(d)) for d in DASHBOARDS}


def as_json(model: dict[str, Any]) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def stale() -> list[Path]:
    """Files missing or differing from what the Python definitions render."""
    return [
        path
        for path, text in rendered().items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="rewrite infra/grafana/dashboards")
    mode.add_argument("--check", action="store_true", help="fail when a file is out of date")
    args = parser.parse_args()
    if args.check:
        outdated = stale()
        for path in outdated:
            print(f"{path.relative_to(ROOT)} is out of date: python -m tools.dashboards --write")
        return 1 if outdated else 0
    for path, text in rendered().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
