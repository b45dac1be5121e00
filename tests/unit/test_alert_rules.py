"""Prometheus alert rules: valid, loaded by the compose Prometheus, and each one unit-tested."""

import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.infra import ROOT
from tests.prometheus_tools import (
    PROMETHEUS_DIR,
    PrometheusBinaries,
    metric_names,
    registered_metrics,
)
from tests.unit.test_docker_compose import COMPOSE_FILE, bind_mounts

RULES = PROMETHEUS_DIR / "alerts.yml"
RULE_TESTS = PROMETHEUS_DIR / "alerts_test.yml"
RUNBOOKS = ROOT / "docs" / "runbooks"
# Where the docs are published: the repository's paths under the project's site (as the schemas'
# $ids are); a deployment that hosts them elsewhere rewrites this prefix.
RUNBOOK_BASE = "https://ticketflow.dev/"
RUNBOOK_SECTIONS = ("## First checks", "## Mitigate", "## Escalate")
# What issue 7 asks the rules to watch, by alert name.
REQUIRED_ALERTS = {
    "TicketflowSlaBreachSurge",
    "TicketflowUnownedTicketTooOld",
    "TicketflowConsumerLagHigh",
    "TicketflowDeadLettersGrowing",
    "TicketflowWebhookFailureRateHigh",
    "TicketflowServiceDown",
    "TicketflowOutboxStuck",
    # Issue 16: CSAT and "was it resolved?" over a day against their 90% and 95% targets.
    "TicketflowCsatBelowTarget",
    "TicketflowResolvedShareBelowTarget",
    # Issue 18: automation's loops (suppressions) and late rule timers.
    "TicketflowAutomationSuppressionsRising",
    "TicketflowAutomationRuleTimersLate",
}


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def promtool(binaries: PrometheusBinaries, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(binaries.promtool), *args],
        cwd=PROMETHEUS_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def alert_rules() -> list[dict[str, Any]]:
    return [rule for group in _yaml(RULES)["groups"] for rule in group["rules"] if "alert" in rule]


def alert_names() -> set[str]:
    return {rule["alert"] for rule in alert_rules()}


def test_rules_are_valid(prometheus_binaries: PrometheusBinaries) -> None:
    checked = promtool(prometheus_binaries, "check", "rules", str(RULES))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_rules_pass_their_promtool_unit_tests(prometheus_binaries: PrometheusBinaries) -> None:
    tested = promtool(prometheus_binaries, "test", "rules", str(RULE_TESTS))
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_required_alert_exists_and_has_firing_and_quiet_cases() -> None:
    """A rule without a case that fires, and one that stays quiet, is only half tested."""
    assert alert_names() >= REQUIRED_ALERTS, f"missing: {REQUIRED_ALERTS - alert_names()}"
    cases: dict[str, list[bool]] = {}
    for test in _yaml(RULE_TESTS)["tests"]:
        for case in test.get("alert_rule_test", []):
            cases.setdefault(case["alertname"], []).append(bool(case.get("exp_alerts")))
    problems = [
        f"{name}: needs a case where it fires and one where it does not (has {cases.get(name)})"
        for name in sorted(alert_names())
        if set(cases.get(name, [])) != {True, False}
    ]
    assert not problems, "\n".join(problems)


def test_compose_prometheus_loads_the_rules() -> None:
    """prometheus.yml names the rules where compose mounts them, or no alert ever fires."""
    compose = _yaml(COMPOSE_FILE)
    mounted = dict(bind_mounts(compose["services"]["prometheus"]))
    config = _yaml(PROMETHEUS_DIR / "prometheus.yml")
    assert mounted.get(RULES.resolve()) in config.get("rule_files", []), (
        f"prometheus.yml rule_files {config.get('rule_files')} do not include where compose "
        f"mounts alerts.yml ({mounted.get(RULES.resolve())})"
    )


def test_every_alert_links_its_runbook_and_the_runbook_exists() -> None:
    """An alert at 3 a.m. without a page saying what to do is a guess; the page is
    docs/runbooks/<alert>.md, and says what it means, what to check, how to mitigate and when
    to escalate."""
    problems = []
    for rule in alert_rules():
        name = rule["alert"]
        expected = f"{RUNBOOK_BASE}docs/runbooks/{name}.md"
        url = rule.get("annotations", {}).get("runbook_url")
        if url != expected:
            problems.append(f"{name}: runbook_url is {url!r}, expected {expected!r}")
            continue
        page = ROOT / url.removeprefix(RUNBOOK_BASE)
        if not page.is_file():
            problems.append(f"{name}: {page.relative_to(ROOT)} does not exist")
            continue
        text = page.read_text(encoding="utf-8")
        problems += [
            f"{name}: {page.name} has no {part!r}"
            for part in (f"# {name}", "**Means**", *RUNBOOK_SECTIONS)
            if part not in text
        ]
    assert not problems, "\n".join(problems)


def test_every_runbook_belongs_to_an_alert() -> None:
    """A runbook whose alert was renamed or removed misleads whoever finds it."""
    orphans = sorted(
        page.name for page in RUNBOOKS.glob("*.md") if page.stem not in alert_names() | {"README"}
    )
    assert not orphans, f"runbooks of no alert in alerts.yml: {orphans}"


def test_runbooks_name_only_metrics_the_code_registers() -> None:
    """The queries in a runbook are copied into Prometheus under pressure: they must work."""
    registered = registered_metrics()
    unknown = [
        f"{page.name}: {name}"
        for page in sorted(RUNBOOKS.glob("*.md"))
        for name in sorted(metric_names(page.read_text(encoding="utf-8")) - registered)
    ]
    assert not unknown, f"metrics registered by no service: {unknown}"
