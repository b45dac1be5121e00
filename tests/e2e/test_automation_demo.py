"""`make run`'s automation demo on a running system: `python -m tools.seed_automation` imports
the demo rules (their business-hours calendar learnt from sla) and macro, and the printer rule
fires on its Chinese demo ticket; a second run changes nothing; `--check` (smoke.sh) passes."""

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.running_system import WITH_AUTOMATION, System

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def system_services() -> tuple[str, ...]:
    return WITH_AUTOMATION


async def seed(system: System, cache: Path, *args: str) -> tuple[int, str]:
    env = {
        **os.environ,
        "TICKETFLOW_API_KEY": system.api_key,
        "TICKETFLOW_IDENTITY_URL": system.url("identity"),
        "TICKETFLOW_TOKEN_CACHE_DIR": str(cache),
        **{
            f"TICKETFLOW_{s.upper()}_URL": system.url(s)
            for s in ("intake", "routing", "automation")
        },
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tools.seed_automation", *args,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), timeout=180)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_the_demo_rules_load_and_the_printer_rule_fires(
    system: System, tmp_path: Path
) -> None:
    code, output = await seed(system, tmp_path)
    assert code == 0, output
    assert "demo rules created 4, updated 0, unchanged 0; macros created 1" in output
    assert "automation: rule 紧急打印机工单 fired on demo ticket" in output
    assert "priority urgent, team facilities" in output

    code, output = await seed(system, tmp_path)
    assert code == 0, output
    assert "demo rules created 0, updated 0, unchanged 4; macros created 0" in output

    code, output = await seed(system, tmp_path, "--check")
    assert code == 0, output
    assert "fired on demo ticket" in output
