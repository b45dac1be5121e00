"""The console against the real services, in a real browser (Debian's Chromium, headless): an
agent signs in with an identity API key, a ticket POSTed to intake appears in their queue live
(server-sent events fed from Kafka), they open it, reply and resolve it, and it leaves the queue.
Screenshots of each page go to docs/console/."""

import re
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.polling import eventually
from tests.processes import ServiceProcess, free_port
from tests.running_system import System

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "console"
APPEARS_WITHIN_MS = 5_000
"""The deadline for a new ticket to show in the queue (it takes well under a second on an idle
machine; the suite shares two cores with other processes)."""


@pytest.fixture(scope="module")
def system_services() -> tuple[str, ...]:
    return ("intake", "routing", "sla", "knowledge", "automation")


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
        **{
            f"CONSOLE_{name.upper()}_URL": system.url(name)
            for name in ("identity", "intake", "routing", "sla", "knowledge", "automation")
        },
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


async def agent_key(
    system: System, *, name: str = "Grace Hopper", email: str = "grace@ticketflow.test"
) -> str:
    """An agent of team network in routing, and their identity principal's API key."""
    async with httpx.AsyncClient(timeout=10) as http:
        policy = await http.put(
            f"{system.url('sla')}/policies/urgent",
            json={"position": 10, "priority": "urgent", "first_response_seconds": 3600},
            headers=system.auth("sla"),
        )
        assert policy.status_code == 200, policy.text
        agent = await http.post(
            f"{system.url('routing')}/agents",
            json={"name": name.split()[0], "team": "network", "skills": ["vpn"], "capacity": 5},
            headers=system.auth("routing"),
        )
        assert agent.status_code == 201, agent.text
        principal = await http.post(
            f"{system.url('identity')}/principals",
            json={"kind": "person", "display_name": name, "role": "agent",
                  "email": email, "agent_id": agent.json()["id"],
                  "teams": ["network"]},
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


async def vpn_macro(system: System) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        macro = await http.post(
            f"{system.url('automation')}/macros",
            json={"name": "VPN known issue", "description": "Reply with the VPN workaround",
                  "actions": [{"type": "add_reply", "body": "Reconnect with the new profile."}]},
            headers=system.auth("automation"),
        )  # fmt: skip
        assert macro.status_code == 201, macro.text
        article = await http.post(
            f"{system.url('knowledge')}/articles",
            json={"title": "VPN tunnel drops every hour", "language": "en",
                  "body": "The VPN tunnel drops when the old profile renews its lease: "
                          "install the new VPN profile and reconnect."},
            headers=system.auth("knowledge"),
        )  # fmt: skip
        assert article.status_code == 201, article.text
        published = await http.post(
            f"{system.url('knowledge')}/articles/{article.json()['id']}/publish",
            headers=system.auth("knowledge"),
        )
        assert published.status_code == 200, published.text


async def file_ticket(system: System, subject: str) -> str:
    async with httpx.AsyncClient(timeout=10) as http:
        created = await http.post(
            f"{system.url('intake')}/tickets",
            json={"subject": subject, "description": "The tunnel drops every hour since Monday.",
                  "requester": {"id": f"u-{uuid.uuid4().hex[:8]}", "name": "Ada"},
                  "priority": "urgent", "required_skills": ["vpn"]},
            headers=system.auth("intake"),
        )  # fmt: skip
    assert created.status_code == 201, created.text
    ticket_id: str = created.json()["id"]
    return ticket_id


async def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def test_an_agent_signs_in_sees_a_new_ticket_live_replies_and_resolves(
    system: System, console: str, browser: Browser
) -> None:
    key = await agent_key(system)
    await vpn_macro(system)
    context = await browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = await context.new_page()

    await page.goto(f"{console}/queue")
    assert "/sign-in" in page.url, "an unauthenticated page redirects to sign in"
    await shot(page, "sign-in")
    await page.get_by_label("Identity API key").fill("tfid_wrong.key")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#sign-in-error")).to_be_visible()
    await page.get_by_label("Identity API key").fill(key)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="My queue")).to_be_visible()
    cookie = next(c for c in await context.cookies() if c["name"] == "tf_console_session")
    assert cookie["httpOnly"], "the session cookie is HttpOnly"
    assert cookie["sameSite"] == "Strict"
    assert key not in cookie["value"]

    subject = f"VPN drops every hour {uuid.uuid4().hex[:6]}"
    posted = time.monotonic()
    ticket_id = await file_ticket(system, subject)
    filed = time.monotonic()
    # Playwright watches the DOM on every animation frame until the row is there or the deadline.
    await page.wait_for_selector(f"#ticket-{ticket_id}", timeout=APPEARS_WITHIN_MS)
    shown = time.monotonic()
    print(
        f"queue row shown {shown - posted:.3f} s after the POST was sent,"
        f" {shown - filed:.3f} s after intake answered it"
    )
    row = page.locator(f"#ticket-{ticket_id}")
    await expect(row.locator(".countdown")).to_contain_text("m")
    await shot(page, "queue")

    await row.get_by_role("link", name=subject).click()
    await expect(page.locator("#ticket-subject")).to_have_text(subject)
    await page.get_by_label("Public reply").fill("We are on it: please send the VPN client log.")
    await page.get_by_role("button", name="Send reply").click()
    await expect(page.locator("#replies")).to_contain_text("please send the VPN client log")
    await page.get_by_label("Internal note", exact=True).fill("Customer on the old VPN profile.")
    await page.get_by_role("button", name="Add note").click()
    await expect(page.locator("#notes")).to_contain_text("old VPN profile")

    async def suggested() -> bool:
        """Knowledge suggests from the ticket.created it consumes: the page shows it once made."""
        await page.reload()
        return "VPN tunnel drops every hour" in await page.locator("#suggestions").inner_text()

    await eventually(suggested, what="knowledge's suggestion on the ticket page", within=30)
    await page.get_by_label("Macro", exact=True).select_option(label="VPN known issue")
    await page.get_by_role("button", name="Apply macro").click()
    await expect(page.get_by_role("status")).to_have_text("Done.")
    await shot(page, "ticket")
    await page.get_by_label("New status").select_option("resolved")
    await page.get_by_role("button", name="Change status").click()
    await expect(page.locator("#ticket-status")).to_have_text("resolved")

    await page.goto(f"{console}/queue")
    await expect(page.locator(f"#ticket-{ticket_id}")).to_have_count(0)
    await page.get_by_label("My agent status").select_option("away")
    await page.get_by_role("button", name="Set status").click()
    await expect(page.get_by_label("My agent status")).to_have_value("away")
    await page.get_by_label("Language").select_option("zh")
    await page.get_by_role("button", name="Save preferences").click()
    await expect(page.get_by_role("heading", name="我的队列")).to_be_visible()
    await shot(page, "queue-zh")
    await page.get_by_role("button", name="退出登录").click()
    await page.goto(f"{console}/queue")
    assert "/sign-in" in page.url, "signed out: the queue asks to sign in again"
    await context.close()


async def signed_in_client(console: str, key: str) -> tuple[httpx.AsyncClient, str]:
    """An HTTP client holding a console session (as a browser would), and its CSRF token."""
    http = httpx.AsyncClient(base_url=console, timeout=10)
    form = await http.get("/sign-in")
    token = CSRF_FIELD.search(form.text)
    assert token is not None, form.text
    signed = await http.post(
        "/sign-in", data={"api_key": key, "csrf_token": token.group(1), "next": "/queue"}
    )
    assert signed.status_code == 303, signed.text
    queue = await http.get("/queue")
    csrf = CSRF_FIELD.search(queue.text)
    assert csrf is not None, queue.text
    return http, csrf.group(1)


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


async def test_the_console_refuses_what_it_must_with_clear_answers(
    system: System, console: str
) -> None:
    async with httpx.AsyncClient(base_url=console, timeout=10) as anonymous:
        page = await anonymous.get("/queue")
        assert page.status_code == 303
        assert page.headers["location"] == "/sign-in?next=/queue"
        htmx = await anonymous.get("/queue/events", headers={"HX-Request": "true"})
        assert htmx.status_code == 401
        assert htmx.headers["HX-Redirect"].startswith("/sign-in")
        forged = await anonymous.post("/sign-in", data={"api_key": "x", "csrf_token": "y"})
        assert forged.status_code == 403, "a sign-in without the form's CSRF cookie"
        missing = await anonymous.get("/sign-in", params={"next": "https://evil.example/"})
        assert 'name="next" value="/queue"' in missing.text, "next is a local path only"
        open_static = await anonymous.get("/static/htmx.min.js")
        assert open_static.status_code == 200

    key = await agent_key(system, name="Linus", email="linus@ticketflow.test")
    ticket_id = await file_ticket(system, "Printer offline")
    http, csrf = await signed_in_client(console, key)
    try:
        no_token = await http.post(f"/tickets/{ticket_id}/reply", data={"body": "hello"})
        assert no_token.status_code == 403
        assert "csrf_token" in no_token.text
        empty = await http.post(
            f"/tickets/{ticket_id}/reply", data={"body": "  ", "csrf_token": csrf}
        )
        assert empty.status_code == 422
        assert "body: required" in empty.text
        bad_id = await http.get("/tickets/not-a-uuid")
        assert bad_id.status_code == 422
        assert "ticket_id" in bad_id.text
        unknown = await http.get(f"/tickets/{uuid.uuid4()}")
        assert unknown.status_code == 404
        refused = await http.post(
            f"/tickets/{ticket_id}/status", data={"status": "flying", "csrf_token": csrf}
        )
        assert refused.status_code == 422, "intake's refusal passed on, with its reason"
        assert "status" in refused.text
        macro = await http.post(
            f"/tickets/{ticket_id}/macro", data={"macro_id": "nope", "csrf_token": csrf}
        )
        assert macro.status_code == 422
        assert "macro_id" in macro.text
        signed_out = await http.post("/sign-out", data={"csrf_token": csrf})
        assert signed_out.status_code == 303
        after = await http.get("/queue")
        assert after.status_code == 303, "the session is gone on the server, not only the cookie"
    finally:
        await http.aclose()
