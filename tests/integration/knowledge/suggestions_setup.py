"""What the suggestions tests set up: items in the index, tickets in the projection, links."""

import uuid
from datetime import datetime

from prometheus_client import REGISTRY

from tests.integration.knowledge.conftest import KnowledgeHarness
from tests.support.knowledge import SIGNING_SECRET
from ticketflow_common.answer_links import AnswerLink, answer_link_token
from ticketflow_common.events import TicketCreated
from ticketflow_common.events.knowledge import ItemKind
from ticketflow_knowledge.domain.search_index import IndexedItem
from ticketflow_knowledge.store.search_items import index_item


async def indexed(
    knowledge: KnowledgeHarness,
    title: str,
    body: str,
    *,
    language: str = "en",
    public: bool = True,
    kind: ItemKind = "article",
) -> IndexedItem:
    """A live item in the index, as the articles, problems and solutions flows put them."""
    item = IndexedItem(
        kind=kind,
        item_id=uuid.uuid4(),
        language=language,
        title=title,
        body=body,
        public=public,
        live=True,
    )
    async with knowledge.pool.acquire() as conn:
        await index_item(conn=conn, item=item, now=knowledge.clock())
    return item


async def projected(knowledge: KnowledgeHarness, ticket: TicketCreated) -> None:
    """The ticket in knowledge's projection, as the ticket.created handler keeps it."""
    async with knowledge.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO tickets (ticket_id, subject, description, language, status,"
            " requester_id, requester_email, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            ticket.ticket_id,
            ticket.subject,
            ticket.description,
            ticket.language,
            ticket.status,
            ticket.requester_id,
            ticket.requester_email,
            ticket.created_at,
        )


def link_token(
    *,
    suggestion_id: uuid.UUID,
    ticket: TicketCreated,
    item: IndexedItem,
    now: datetime,
    requester_id: str | None = None,
    secret: str = SIGNING_SECRET,
) -> str:
    """The link notify would mail the ticket's requester for one suggested item."""
    link = AnswerLink(
        suggestion_id=suggestion_id,
        ticket_id=ticket.ticket_id,
        requester_id=requester_id or ticket.requester_id,
        kind=item.kind,
        item_id=item.item_id,
    )
    return answer_link_token(link=link, secret=secret, now=now)


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def events_of(outbox: list[dict[str, object]], event_type: str) -> list[dict[str, object]]:
    return [e for e in outbox if e["type"] == event_type]
