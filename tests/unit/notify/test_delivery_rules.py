"""Quiet hours, templates, the address policy, endpoint health and multi-secret signatures."""

import ipaddress
from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2.exceptions import SecurityError
from pydantic import ValidationError

from ticketflow_notify.adapters.http_sender import pinned_url
from ticketflow_notify.domain.endpoint_health import EndpointHealth, HealthPolicy, after_attempt
from ticketflow_notify.domain.network_policy import parse_networks, refusal
from ticketflow_notify.domain.quiet_hours import QuietHours, RecipientPreferences, held_until
from ticketflow_notify.domain.signing import signature_header_for_all, verify
from ticketflow_notify.domain.templates import (
    MessageTemplate,
    TemplateIn,
    choose_template,
    language_candidates,
    render,
)

BERLIN_NIGHTS = QuietHours("Europe/Berlin", time(22, 0), time(7, 0))
instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 1, 10, 20, 59, tzinfo=UTC), None),  # 21:59 in Berlin
        (datetime(2026, 1, 10, 21, 0, tzinfo=UTC), datetime(2026, 1, 11, 6, 0, tzinfo=UTC)),
        (datetime(2026, 1, 11, 3, 0, tzinfo=UTC), datetime(2026, 1, 11, 6, 0, tzinfo=UTC)),
        (datetime(2026, 1, 11, 6, 0, tzinfo=UTC), None),
        (datetime(2026, 7, 11, 4, 30, tzinfo=UTC), datetime(2026, 7, 11, 5, 0, tzinfo=UTC)),
    ],
)
def test_quiet_hours_wrap_midnight_in_the_recipients_zone(
    now: datetime, expected: datetime | None
) -> None:
    assert held_until(now, BERLIN_NIGHTS) == expected


@given(now=instants, start=st.times(), end=st.times())
def test_held_mail_waits_less_than_a_day_and_lands_outside_the_window(
    now: datetime, start: time, end: time
) -> None:
    if start == end:
        return
    quiet = QuietHours("America/New_York", start, end)
    until = held_until(now, quiet)
    if until is None:
        return
    assert now < until <= now + timedelta(hours=25)
    assert held_until(until, quiet) is None, "mail released at the end of quiet hours"


def test_preferences_need_both_ends_and_a_real_zone() -> None:
    with pytest.raises(ValidationError, match="together"):
        RecipientPreferences(quiet_start=time(22))
    with pytest.raises(ValidationError, match="time zone"):
        RecipientPreferences(time_zone="Mars/Olympus")


def test_templates_render_sandboxed_with_language_fallback() -> None:
    stored = {"fr": MessageTemplate("Alerte {{ data.policy }}", "{{ event.subject }}")}
    languages = language_candidates("fr-CA", "de")
    assert languages == ["fr-CA", "fr", "de", "en"]
    chosen = choose_template(event_type="sla.breached", languages=languages, stored=stored)
    context = {"event": {"subject": "t-1"}, "data": {"policy": "urgent"}, "ticket": {}}
    assert render(chosen, context).subject == "Alerte urgent"
    german = choose_template(event_type="sla.breached", languages=["de"], stored={})
    assert render(german, context).subject.startswith("SLA verletzt")
    generic = choose_template(event_type="ticket.commented", languages=["xx"], stored={})
    assert render(generic, {"event": {"type": "ticket.commented", "subject": "t-2"}}).subject == (
        "[ticket.commented] t-2"
    )


def test_the_sandbox_refuses_reaching_into_python() -> None:
    escape = MessageTemplate("{{ ''.__class__.__mro__[1].__subclasses__() }}", "x")
    with pytest.raises(SecurityError):
        render(escape, {})
    with pytest.raises(ValidationError, match="not a valid Jinja2 template"):
        TemplateIn(subject="{% if %}", body="x")


def test_private_loopback_and_link_local_are_refused_unless_allow_listed() -> None:
    allowed = parse_networks(["127.0.0.0/8"])
    unspecified = "0.0.0.0"  # noqa: S104 - an address checked, not bound
    for address in ("10.0.0.1", "192.168.1.1", "169.254.169.254", "::1", "fe80::1", unspecified):
        assert refusal(ipaddress.ip_address(address), allowed=[]) is not None, address
    assert refusal(ipaddress.ip_address("127.0.0.1"), allowed=allowed) is None
    assert refusal(ipaddress.ip_address("::ffff:127.0.0.1"), allowed=allowed) is None
    assert refusal(ipaddress.ip_address("::ffff:10.0.0.1"), allowed=allowed) is not None
    assert refusal(ipaddress.ip_address("169.254.169.254"), allowed=allowed) is not None
    assert refusal(ipaddress.ip_address("93.184.215.14"), allowed=[]) is None


@given(st.ip_addresses(v=4, network="10.0.0.0/8"))
def test_anything_inside_an_allowed_network_passes(address: ipaddress.IPv4Address) -> None:
    assert refusal(address, allowed=parse_networks(["10.0.0.0/8"])) is None
    assert refusal(address, allowed=[]) is not None


def test_pinned_url_keeps_the_host_header_and_brackets_ipv6() -> None:
    url, host = pinned_url(
        "https://user:pw@hooks.example.com:8443/in?x=1", ipaddress.ip_address("2001:db8::1")
    )
    assert (url, host) == ("https://[2001:db8::1]:8443/in?x=1", "hooks.example.com:8443")


POLICY = HealthPolicy(failure_threshold=3, open_seconds=60, disable_after_seconds=86_400)
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_circuit_opens_after_the_threshold_and_a_success_closes_it() -> None:
    health = EndpointHealth()
    for n in range(3):
        change = after_attempt(
            health, succeeded=False, now=T0 + timedelta(seconds=n), policy=POLICY
        )
        health = change.health
    assert health.consecutive_failures == 3
    assert health.failing_since == T0
    assert health.circuit_open_until == T0 + timedelta(seconds=62)
    assert not health.half_open(T0 + timedelta(seconds=61), POLICY)
    assert health.half_open(T0 + timedelta(seconds=62), POLICY)
    assert after_attempt(health, succeeded=True, now=T0, policy=POLICY).health == EndpointHealth()


@given(gaps=st.lists(st.floats(min_value=0, max_value=40_000), min_size=1, max_size=20))
def test_disabled_exactly_when_failing_longer_than_allowed(gaps: list[float]) -> None:
    health, now, disabled = EndpointHealth(), T0, False
    for gap in gaps:
        now += timedelta(seconds=gap)
        change = after_attempt(health, succeeded=False, now=now, policy=POLICY)
        health, disabled = change.health, change.disable
    first = T0 + timedelta(seconds=gaps[0])
    assert disabled == ((now - first).total_seconds() >= POLICY.disable_after_seconds)


def test_every_active_secret_signs_and_each_verifies_alone() -> None:
    body = b'{"type":"sla.breached"}'
    header = signature_header_for_all(secrets=["new", "old"], timestamp=1_790_000_000, body=body)
    assert header is not None
    assert header.startswith("t=1790000000,v1=")
    assert header.count("v1=") == 2
    for secret in ("new", "old"):
        assert verify(secret=secret, header=header, body=body, now=1_790_000_000)
    assert not verify(secret="other", header=header, body=body, now=1_790_000_000)
    with pytest.raises(ValueError, match="at least one"):
        signature_header_for_all(secrets=[], timestamp=1, body=body)
