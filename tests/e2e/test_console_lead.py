"""The console's lead and admin pages against the real services, in a real browser (Debian's
Chromium, headless): a lead signs in and sees their team's staffing chart (agents scheduled by
their routing shifts, required from insights' forecast) and its scorecard; an admin previews an
SLA policy's deadlines and saves a category; the lead is refused the admin pages (403).
Screenshots of each page go to docs/console/."""

import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.e2e.test_console import CHROMIUM, SCREENSHOTS
from tests.polling import eventually
from tests.processes import ServiceProcess, free_port
from tests.running_system import WITH_INSIGHTS, System

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

TEAM = "network"
ALL_DAY = [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start": "00:00",
            "end": "00:00"}]  # fmt: skip
CONSOLE_CALLS = ("identity", "intake", "routing", "sla", "insights", "notify")


@pytest.fixture(scope="module")
def system_services() -> tuple[str, ...]:
    return WITH_INSIGHTS


@pytest.fixture(scope="module")
async def console(system: System, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """The console process on the system's database and topics, calling its services."""
    port = free_port()
    env = {
        "CONSOLE_DATABASE_URL": system.database_url,
        "CONSOLE_KAFKA_BOOTSTRAP_SERVERS": system.kafka_bootstrap,
        "CONSOLE_API_TOKEN": secrets.token_urlsafe(24),
        "CONSOLE_TOPIC_PREFIX": system.names.prefix,
        "CONSOLE_HTTP_PORT": str(port),
        "CONSOLE_SESSION_SECRET": secrets.token_urlsafe(32),
        **{f"CONSOLE_{name.upper()}_URL": system.url(name) for name in CONSOLE_CALLS},
    }
    logs = tmp_path_factory.mktemp("console-log") / "console.log"
    process = ServiceProcess("console", env, port, logs)
    await process.start()
    try:
        await process.wait_ready()
        yield process.url
    finally:
        assert await process.terminate() == 0, process.tail_log()


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        await launched.close()


async def lead_key(system: System) -> str:
    """Two agents on shift all day in team network, their lead, and the lead's identity key."""
    async with httpx.AsyncClient(timeout=10) as http:
        agents = []
        for name in ("Lin", "Grace", "Alan"):
            agent = await http.post(
                f"{system.url('routing')}/agents",
                json={"name": name, "team": TEAM, "skills": ["vpn"], "capacity": 5,
                      "shifts": ALL_DAY},
                headers=system.auth("routing"),
            )  # fmt: skip
            assert agent.status_code == 201, agent.text
            agents.append(agent.json()["id"])
        principal = await http.post(
            f"{system.url('identity')}/principals",
            json={"kind": "person", "display_name": "Lin Lead", "role": "lead",
                  "email": "lin@ticketflow.test", "agent_id": agents[0], "teams": [TEAM]},
            headers=system.auth("identity"),
        )  # fmt: skip
        assert principal.status_code == 201, principal.text
        key = await http.post(
            f"{system.url('identity')}/principals/{principal.json()['principal_id']}/keys",
            json={"name": "console"},
            headers=system.auth("identity"),
        )
        assert key.status_code == 201, key.text
    token: str = key.json()["token"]
    return token


async def seed_forecast(system: System) -> None:
    """Insights' forecast for the next day, hour by hour, written as its forecaster writes it
    (a day of history would take a day), once insights has heard of the team's agents."""

    async def team_known() -> bool:
        async with httpx.AsyncClient(timeout=10) as http:
            plan = await http.get(
                f"{system.url('insights')}/staffing/{TEAM}",
                params={"days": 1, "interval": 60},
                headers=system.auth("insights"),
            )
        return plan.status_code == 200 and plan.json()["intervals"][0]["scheduled_agents"] == 3

    await eventually(team_known, what="insights planning team network's three agents", within=60)
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    rows = [(TEAM, hour + timedelta(hours=n), 20.0 + 16 * (n % 12 in (2, 3, 4))) for n in range(26)]
    conn = await asyncpg.connect(system.database_url)
    try:
        await conn.executemany(
            "INSERT INTO insights.forecasts (team, interval_minutes, interval_start, arrivals,"
            " source, generated_at) VALUES ($1, 60, $2, $3, 'model', now())"
            " ON CONFLICT (team, interval_minutes, interval_start)"
            " DO UPDATE SET arrivals = EXCLUDED.arrivals",
            rows,
        )
    finally:
        await conn.close()


async def sign_in(browser: Browser, console: str, key: str, *, locale: str = "en-GB") -> Page:
    context = await browser.new_context(locale=locale, timezone_id="Europe/London")
    page = await context.new_page()
    await page.goto(f"{console}/sign-in")
    await page.get_by_label("Identity API key").fill(key)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="My queue")).to_be_visible()
    return page


async def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def test_a_lead_sees_the_staffing_chart_and_scorecard_and_is_refused_admin_pages(
    system: System, console: str, browser: Browser
) -> None:
    key = await lead_key(system)
    await seed_forecast(system)
    async with httpx.AsyncClient(timeout=10) as http:
        category = await http.put(
            f"{system.url('intake')}/categories/vpn",
            json={"name": "VPN", "team": TEAM, "required_skills": ["vpn"]},
            headers=system.auth("intake"),
        )
        assert category.status_code in (200, 201), category.text
        filed = await http.post(
            f"{system.url('intake')}/tickets",
            json={"subject": "VPN drops on floor 2", "requester": {"id": "u-lead-e2e"},
                  "priority": "high", "category": "vpn"},
            headers=system.auth("intake"),
        )  # fmt: skip
        assert filed.status_code == 201, filed.text

    page = await sign_in(browser, console, key)
    await page.get_by_role("link", name="Team lead").click()
    await expect(page.locator("#team-title")).to_have_text("Team network")
    chart = page.locator("#staffing-chart")
    await expect(chart).to_be_visible()
    await expect(chart.locator("title").first).to_have_text(
        "Agents required and scheduled per hour, next 24 hours"
    )
    assert await chart.locator(".scheduled rect").count() == 24, "a bar per hour"
    assert await chart.locator("polyline.required").count() >= 1, "the forecast's line"
    bar_title = await chart.locator(".scheduled rect title").first.text_content()
    assert bar_title is not None
    assert "Scheduled 3" in bar_title
    assert await page.locator("#staffing-table tbody tr").count() == 24
    await expect(page.locator("#scorecard")).to_contain_text("SLA achievement")
    await expect(page.locator("#agents")).to_contain_text("Grace")
    await expect(page.locator("#team-open")).to_contain_text("VPN drops on floor 2")
    await shot(page, "lead-team")

    await page.get_by_role("link", name="Reports").first.click()
    await expect(page.get_by_role("heading", name="Reports · network")).to_be_visible()
    await shot(page, "lead-reports")

    refused = await page.goto(f"{console}/admin/sla")
    assert refused is not None
    assert refused.status == 403
    await expect(page.locator("#refusal")).to_contain_text("for admins")
    other_team = await page.goto(f"{console}/lead/teams/facilities")
    assert other_team is not None
    assert other_team.status == 403, "a lead sees only their teams"

    await page.get_by_label("Language").select_option("zh")
    await page.get_by_role("button", name="Save preferences").click()
    await page.goto(f"{console}/lead/teams/{TEAM}")
    await expect(page.locator("#team-title")).to_have_text("团队 network")
    await expect(page.locator("#chart-title")).to_have_text("未来 24 小时每小时所需与已排坐席")
    await shot(page, "lead-team-zh")
    await page.context.close()


async def test_an_admin_previews_an_sla_policy_and_saves_a_category(
    system: System, console: str, browser: Browser
) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        calendar = await http.put(
            f"{system.url('sla')}/calendars/office",
            json={"time_zone": "Europe/London", "week": {
                day: [{"start": "09:00", "end": "17:00"}]
                for day in ("monday", "tuesday", "wednesday", "thursday", "friday")}},
            headers=system.auth("sla"),
        )  # fmt: skip
        assert calendar.status_code in (200, 201), calendar.text
    page = await sign_in(browser, console, system.api_key)
    await page.get_by_role("link", name="Admin").click()
    await page.get_by_role("link", name="SLA policies and calendars").click()

    await page.get_by_label("Name", exact=True).fill("office-normal")
    await page.get_by_label("Position", exact=True).fill("20")
    await page.get_by_label("Priority", exact=True).select_option("normal")
    await page.get_by_label("Calendar", exact=True).select_option("office")
    await page.get_by_label("First response (minutes)", exact=True).fill("240")
    await page.get_by_label("Resolution (minutes)", exact=True).fill("960")
    await page.get_by_role("button", name="Save policy").click()
    await expect(page.locator("#policies")).to_contain_text("office-normal")
    await expect(page.locator("#calendars")).to_contain_text("Europe/London")

    await page.get_by_label("Policy", exact=True).select_option("office-normal")
    await page.get_by_label("Start (your time zone)", exact=True).fill("2026-03-06T15:00")
    await page.get_by_role("button", name="Preview deadlines").click()
    deadlines = page.locator("#preview-deadlines")
    await expect(deadlines).to_contain_text("2026-03-09 11:00 GMT")  # 2 h Fri, 2 h Mon
    await expect(deadlines).to_contain_text("2026-03-10 15:00 GMT")  # 16 h: Fri 2, Mon 8, Tue 6
    await shot(page, "admin-sla")

    key = f"printers-{uuid.uuid4().hex[:6]}"
    await page.goto(f"{console}/admin/categories")
    await page.get_by_label("Key", exact=True).fill(key)
    await page.get_by_label("Name", exact=True).fill("Printers")
    await page.get_by_label("Team", exact=True).fill("facilities")
    await page.get_by_role("button", name="Save category").click()
    await expect(page.locator("#categories")).to_contain_text(key)
    await shot(page, "admin-categories")

    bad = await page.request.post(
        f"{console}/admin/categories", form={"key": "Bad Key", "name": "x"}
    )
    assert bad.status == 403, "without the session's CSRF token the form is refused"

    await page.goto(f"{console}/admin/notify")
    await expect(page.get_by_role("heading", name="Webhook endpoints")).to_be_visible()
    await shot(page, "admin-notify")
    await page.context.close()
