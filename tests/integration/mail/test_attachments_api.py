"""A ticket's attachments are listed and downloaded under the ticket's access rules: admins and
agents see every ticket's, a requester only their own (another's is a 404), nobody without a
valid mail token."""

import hashlib
import uuid
from urllib.parse import quote

import httpx

from tests.integration.mail.conftest import SIGNING_SECRET, MailHarness, token_for
from ticketflow_common.access_tokens import access_token
from ticketflow_common.service_main import build_app

PDF = b"%PDF-1.4 quarterly report"


async def stored_mail(
    mail: MailHarness,
    *,
    ticket_id: uuid.UUID | None,
    files: list[tuple[str, str, bytes]],
    message_id: str | None = None,
) -> list[uuid.UUID]:
    """A received mail and its files, as the gateway stores them; the files' ids."""
    mail_id = uuid.uuid4()
    ids = []
    async with mail.pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO mails (mail_id, message_id, via, raw, status, ticket_id, received_at)"
            " VALUES ($1, $2, 'smtp', $3, 'accepted', $4, $5)",
            mail_id,
            message_id or f"<{mail_id}@example.org>",
            b"raw",
            ticket_id,
            mail.clock(),
        )
        for filename, content_type, content in files:
            attachment_id = uuid.uuid4()
            ids.append(attachment_id)
            await conn.execute(
                "INSERT INTO attachments (attachment_id, mail_id, ticket_id, filename,"
                " content_type, size, sha256, content, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                attachment_id,
                mail_id,
                ticket_id,
                filename,
                content_type,
                len(content),
                hashlib.sha256(content).hexdigest(),
                content,
                mail.clock(),
            )
            mail.clock.advance(1)
    return ids


async def test_staff_and_the_requester_list_a_tickets_files(
    mail: MailHarness,
    api: httpx.AsyncClient,
    agent_api: httpx.AsyncClient,
    requester_api: httpx.AsyncClient,
) -> None:
    created = mail.created()
    await mail.deliver(created)
    pdf, page = await stored_mail(
        mail,
        ticket_id=created.ticket_id,
        files=[("季度报告.pdf", "application/pdf", PDF), ("page.html", "text/html", b"<b>x</b>")],
    )

    for client in (api, agent_api, requester_api):
        response = await client.get(f"/tickets/{created.ticket_id}/attachments")
        assert response.status_code == 200, response.text
        listed = response.json()["items"]
        assert [a["id"] for a in listed] == [str(pdf), str(page)]
        assert listed[0]["filename"] == "季度报告.pdf"
        assert listed[0]["content_type"] == "application/pdf"
        assert listed[0]["size"] == len(PDF)
        assert listed[0]["created_at"].startswith("2025-06-02T10:00:00")

    download = await requester_api.get(f"/attachments/{pdf}")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"____.pdf\"; filename*=UTF-8''" + quote("季度报告.pdf")
    )
    html = await agent_api.get(f"/attachments/{page}")
    assert html.status_code == 200
    assert html.headers["content-type"] == "application/octet-stream"
    assert html.headers["content-disposition"].startswith('attachment; filename="page.html"')


async def test_another_requesters_ticket_and_files_are_not_found(
    mail: MailHarness, requester_api: httpx.AsyncClient, agent_api: httpx.AsyncClient
) -> None:
    theirs = mail.created(requester_id="u-2", requester_email="u-2@example.org")
    await mail.deliver(theirs)
    (secret_file,) = await stored_mail(
        mail, ticket_id=theirs.ticket_id, files=[("salary.xlsx", "application/zip", b"PK")]
    )

    listed = await requester_api.get(f"/tickets/{theirs.ticket_id}/attachments")
    assert listed.status_code == 404
    downloaded = await requester_api.get(f"/attachments/{secret_file}")
    assert downloaded.status_code == 404
    assert (await requester_api.get(f"/tickets/{uuid.uuid4()}/attachments")).status_code == 404
    assert (await requester_api.get(f"/attachments/{uuid.uuid4()}")).status_code == 404
    assert (await agent_api.get(f"/attachments/{uuid.uuid4()}")).status_code == 404
    assert (await agent_api.get(f"/attachments/{secret_file}")).status_code == 200

    bad = await agent_api.get("/attachments/not-a-uuid")
    assert bad.status_code == 422
    assert "attachment_id" in bad.text


async def test_no_valid_mail_token_is_a_401(mail: MailHarness) -> None:
    created = mail.created()
    await mail.deliver(created)
    path = f"/tickets/{created.ticket_id}/attachments"
    other_audience = access_token(
        role="agent",
        subject="a-1",
        audience="ticketflow-knowledge",
        secret=SIGNING_SECRET,
        now=mail.clock(),
        hours=1,
    )
    expired = token_for("agent", "a-1", harness=mail, hours=1)
    mail.clock.advance(3601)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=build_app(mail.spec, mail.runtime)),
        base_url="http://mail",
    ) as anonymous:
        assert (await anonymous.get(path)).status_code == 401
    for token in ("not-a-token", other_audience, expired):
        async with mail.client(token) as client:
            response = await client.get(path)
            assert response.status_code == 401, token
    async with mail.client("x") as client:
        assert (await client.get("/healthz")).status_code == 200


async def test_the_files_of_the_mail_a_ticket_was_made_from_become_the_tickets(
    mail: MailHarness, requester_api: httpx.AsyncClient
) -> None:
    (file_id,) = await stored_mail(
        mail,
        ticket_id=None,
        files=[("screenshot.png", "image/png", b"\x89PNG")],
        message_id="<new-request@example.org>",
    )
    assert (await requester_api.get(f"/attachments/{file_id}")).status_code == 404
    created = mail.created(origin_message_id="<new-request@example.org>")
    await mail.deliver(created)

    listed = await requester_api.get(f"/tickets/{created.ticket_id}/attachments")
    assert [a["id"] for a in listed.json()["items"]] == [str(file_id)]
    downloaded = await requester_api.get(f"/attachments/{file_id}")
    assert downloaded.status_code == 200
    assert downloaded.headers["content-type"] == "image/png"
    row = await mail.fetchrow(
        "SELECT ticket_id FROM mails WHERE message_id = '<new-request@example.org>'"
    )
    assert row is not None
    assert row["ticket_id"] == created.ticket_id


async def test_access_tokens_reach_only_the_routes_made_for_people(
    agent_api: httpx.AsyncClient, requester_api: httpx.AsyncClient, api: httpx.AsyncClient
) -> None:
    for client in (agent_api, requester_api):
        refused = await client.get("/blocked-senders")
        assert refused.status_code == 403
    assert (await api.get("/nowhere")).status_code == 404
