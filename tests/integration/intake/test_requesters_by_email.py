"""Requesters by address: `POST /tickets` may name its requester by email alone; one address is
one requester, whether they write through the API or by mail."""

import uuid
from datetime import UTC, datetime

import pytest

from tests.integration.intake.conftest import IntakeApi, Keys
from ticketflow_common.events import MailReceived
from ticketflow_intake.store.requesters import link, linked_id

pytestmark = pytest.mark.integration


def mail_from(address: str, **fields: object) -> MailReceived:
    defaults: dict[str, object] = {
        "mail_id": uuid.uuid4(),
        "message_id": f"<{uuid.uuid4().hex}@mail.example.com>",
        "from_address": address,
        "from_name": "Grace Hopper",
        "subject": "Laptop will not charge",
        "text": "The charger light stays off.",
        "via": "smtp",
        "received_at": datetime(2025, 6, 2, 10, 0, tzinfo=UTC),
    }
    return MailReceived.model_validate(defaults | fields)


async def test_an_email_alone_names_the_requester_and_keeps_naming_the_same_one(
    api: IntakeApi, keys: Keys
) -> None:
    body = {"subject": "Laptop will not charge", "requester": {"email": " Grace@Example.COM "}}
    async with api.client(keys.agent) as http:
        first = await http.post("/tickets", json=body)
        again = await http.post(
            "/tickets", json={**body, "requester": {"email": "grace@example.com"}}
        )
    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    requester = first.json()["requester"]
    assert requester["id"].startswith("req-")
    assert requester["email"] == "grace@example.com"
    assert again.json()["requester"]["id"] == requester["id"]
    [created] = [
        e for e in await api.outbox_events(first.json()["id"]) if e["type"] == "ticket.created"
    ]
    assert created["data"]["requester_id"] == requester["id"]
    assert created["data"]["requester_email"] == "grace@example.com"

    # The same person by mail is the same requester.
    mail = mail_from("grace@example.com")
    assert await api.deliver(mail, subject=str(mail.mail_id)) == "processed"
    async with api.client(keys.agent) as http:
        found = await http.get("/tickets", params={"requester": requester["id"]})
    assert found.status_code == 200, found.text
    channels = sorted(t["channel"] for t in found.json()["items"])
    assert channels == ["api", "api", "email"]


async def test_an_id_and_an_email_link_them_and_the_first_link_wins(
    api: IntakeApi, keys: Keys
) -> None:
    async with api.client(keys.agent) as http:
        linked = await http.post(
            "/tickets",
            json={"subject": "s", "requester": {"id": "u-7", "email": "ada@example.com"}},
        )
        by_email = await http.post(
            "/tickets", json={"subject": "s", "requester": {"email": "ADA@example.com"}}
        )
        other = await http.post(
            "/tickets",
            json={"subject": "s", "requester": {"id": "u-8", "email": "ada@example.com"}},
        )
        count = await http.get("/tickets", params={"requester": "u-8"})
    assert linked.status_code == 201, linked.text
    assert by_email.json()["requester"]["id"] == "u-7"
    assert other.status_code == 409, other.text
    assert [e["field"] for e in other.json()["errors"]] == ["requester.email"]
    assert count.json()["items"] == []

    # A mail from that address is u-7's.
    mail = mail_from("ada@example.com")
    assert await api.deliver(mail, subject=str(mail.mail_id)) == "processed"
    async with api.client(keys.agent) as http:
        mine = await http.get("/tickets", params={"requester": "u-7"})
    assert sorted(t["channel"] for t in mine.json()["items"]) == ["api", "api", "email"]


@pytest.mark.parametrize(
    "email", ["not-an-address", "a@", "@example.com", "two@@example.com", "a b@example.com", 42]
)
async def test_a_bad_email_is_a_422_naming_requester_email(
    api: IntakeApi, keys: Keys, email: object
) -> None:
    async with api.client(keys.agent) as http:
        refused = await http.post("/tickets", json={"subject": "s", "requester": {"email": email}})
        listed = await http.get("/tickets")
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["requester.email"]
    assert listed.json()["items"] == []


async def test_neither_id_nor_email_is_a_422(api: IntakeApi, keys: Keys) -> None:
    async with api.client(keys.agent) as http:
        refused = await http.post("/tickets", json={"subject": "s", "requester": {"name": "Ada"}})
    assert refused.status_code == 422, refused.text
    assert "requester.id or requester.email" in refused.text


async def test_a_requester_files_by_address_as_themselves_and_links_nothing(
    api: IntakeApi, keys: Keys
) -> None:
    """Anyone may type any address: a requester's own credential never links one (that would
    show them the mail tickets of that address); staff and mail do."""
    async with api.client(keys.requester) as http:
        mine = await http.post(
            "/tickets", json={"subject": "s", "requester": {"email": "carol@example.com"}}
        )
    assert mine.status_code == 201, mine.text
    assert mine.json()["requester"]["id"] == keys.requester_id
    mail = mail_from("carol@example.com")
    assert await api.deliver(mail, subject=str(mail.mail_id)) == "processed"
    async with api.client(keys.requester) as http:
        seen = await http.get("/tickets")
    assert [t["channel"] for t in seen.json()["items"]] == ["api"]

    async with api.client(keys.agent) as http:
        linked = await http.post(
            "/tickets",
            json={"subject": "s", "requester": {"id": keys.requester_id, "email": "a@example.com"}},
        )
    assert linked.status_code == 201, linked.text
    async with api.client(keys.requester) as http:
        by_address = await http.post(
            "/tickets", json={"subject": "s", "requester": {"email": "A@example.com"}}
        )
    async with api.client(keys.other_requester) as http:
        theirs = await http.post(
            "/tickets", json={"subject": "s", "requester": {"email": "a@example.com"}}
        )
        own_id = await http.post(
            "/tickets",
            json={
                "subject": "s",
                "requester": {"id": keys.other_requester_id, "email": "a@example.com"},
            },
        )
    assert by_address.status_code == 201, by_address.text
    assert theirs.status_code == 403, theirs.text
    assert own_id.status_code == 409, own_id.text


async def test_a_link_once_found_is_answered_by_the_process_and_an_absent_one_is_asked_again(
    api: IntakeApi,
) -> None:
    address = f"{uuid.uuid4().hex[:10]}@example.com"
    now = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
    async with api.pool.acquire() as conn:
        assert await linked_id(conn=conn, email=address) is None
        await link(conn=conn, email=address, requester_id="req-kept", name=None, now=now)
        assert await linked_id(conn=conn, email=address) == "req-kept", "absence is not kept"
        # No statement changes a link; removing the row here shows the answer no longer reads it.
        await conn.execute("DELETE FROM requesters WHERE email = $1", address)
        assert await linked_id(conn=conn, email=address) == "req-kept"
