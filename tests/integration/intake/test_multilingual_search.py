"""`GET /tickets?q=` with the shared text analysis: Chinese words inside sentences, Japanese,
English and German stems, the public / internal split, and the backfill of older rows."""

import uuid

import pytest

from tests.integration.intake.conftest import IntakeApi, Keys, ticket_body
from tests.integration.intake.test_search_and_access import all_pages
from ticketflow_intake.commands.search_index import reindex_search

pytestmark = pytest.mark.integration

TICKETS = {
    "zh": ("三楼打印机无法连接网络", "zh"),
    "ja": ("会議室のプリンターが動きません", "ja"),
    "en": ("printer offline", "en"),
    "de": ("Der Drucker druckt nicht", "de"),
    "other": ("Keyboard rattles", "en"),
}


async def create_all(api: IntakeApi, token: str, requester: str, tag: str) -> dict[str, str]:
    ids = {}
    async with api.client(token) as http:
        for name, (subject, language) in TICKETS.items():
            created = await http.post(
                "/tickets",
                json=ticket_body(requester, subject=subject, language=language, tags=[tag]),
            )
            assert created.status_code == 201, created.text
            ids[name] = created.json()["id"]
    return ids


async def found(api: IntakeApi, token: str, q: str, tag: str) -> set[str]:
    async with api.client(token) as http:
        return {t["id"] for t in await all_pages(http, q=q, tag=tag)}


async def test_words_inside_sentences_and_stems_are_found(api: IntakeApi, keys: Keys) -> None:
    tag = f"m{uuid.uuid4().hex[:8]}"
    ids = await create_all(api, keys.agent, "u-1", tag)
    expected = {
        "打印机": {"zh"},
        "网络": {"zh"},
        "三楼打印机无法连接网络": {"zh"},
        "プリンター": {"ja"},
        "会議室": {"ja"},
        "printers": {"en"},
        "PRINTER offline": {"en"},
        "Druckers": {"de"},
        "keyboard": {"other"},
        "电脑": set(),
        "!!!": set(),
    }
    for q, names in expected.items():
        assert await found(api, keys.agent, q, tag) == {ids[n] for n in names}, q


async def test_comments_keep_the_public_internal_split(api: IntakeApi, keys: Keys) -> None:
    tag = f"c{uuid.uuid4().hex[:8]}"
    async with api.client(keys.requester) as requester:
        created = await requester.post(
            "/tickets",
            json=ticket_body(keys.requester_id, subject="网络问题", language="zh", tags=[tag]),
        )
    ticket_id = created.json()["id"]
    async with api.client(keys.agent) as agent:
        public = await agent.post(
            f"/tickets/{ticket_id}/comments", json={"body": "请重启路由器后再试"}
        )
        note = await agent.post(
            f"/tickets/{ticket_id}/comments",
            json={"body": "交换机端口故障", "public": False},
        )
    assert public.status_code == note.status_code == 201, (public.text, note.text)
    assert await found(api, keys.requester, "路由器", tag) == {ticket_id}
    assert await found(api, keys.agent, "路由器", tag) == {ticket_id}
    assert await found(api, keys.agent, "交换机", tag) == {ticket_id}
    assert await found(api, keys.requester, "交换机", tag) == set(), "internal notes stay internal"


async def test_an_edited_subject_is_searched_by_its_new_words(api: IntakeApi, keys: Keys) -> None:
    tag = f"e{uuid.uuid4().hex[:8]}"
    async with api.client(keys.agent) as agent:
        created = await agent.post(
            "/tickets", json=ticket_body("u-2", subject="Keyboard rattles", tags=[tag])
        )
        ticket_id = created.json()["id"]
        edited = await agent.patch(f"/tickets/{ticket_id}", json={"subject": "Druckers kaputt"})
        assert edited.status_code == 200, edited.text
        relabelled = await agent.patch(f"/tickets/{ticket_id}", json={"language": "de"})
        assert relabelled.status_code == 200, relabelled.text
    assert await found(api, keys.agent, "keyboard", tag) == set()
    assert await found(api, keys.agent, "Drucker", tag) == {ticket_id}


async def test_rows_written_before_the_analysis_are_found_until_and_after_the_backfill(
    api: IntakeApi, keys: Keys
) -> None:
    tag = f"b{uuid.uuid4().hex[:8]}"
    ids = await create_all(api, keys.agent, "u-3", tag)
    async with api.client(keys.agent) as agent:
        await agent.post(f"/tickets/{ids['en']}/comments", json={"body": "toner zebrafish"})
    async with api.pool.acquire() as conn:
        # As the rows were before migration 0011.
        await conn.execute(
            "UPDATE tickets SET search_analysis = NULL, terms_public = '', terms_comments = '',"
            " terms_internal = '' WHERE $1 = ANY(tags)",
            tag,
        )
    assert await found(api, keys.agent, "三楼打印机无法连接网络", tag) == {ids["zh"]}
    assert await found(api, keys.agent, "zebrafish", tag) == {ids["en"]}
    assert await found(api, keys.agent, "打印机", tag) == set(), "the old 'simple' search"
    assert await reindex_search(pool=api.pool, batch=2) == len(TICKETS)
    assert await reindex_search(pool=api.pool) == 0, "nothing left to analyse"
    assert await found(api, keys.agent, "打印机", tag) == {ids["zh"]}
    assert await found(api, keys.agent, "printers", tag) == {ids["en"]}
    assert await found(api, keys.agent, "zebrafish", tag) == {ids["en"]}
