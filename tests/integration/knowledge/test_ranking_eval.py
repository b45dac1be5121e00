"""The real ranker meets issue 15's quality target on the committed evaluation set: the corpus
indexed through `index_item`, each query ranked by `rank_items`, recall@5 at least 0.8 in
every language (quality, not timing: `bench/knowledge_speed.py` measures speed)."""

from bench.knowledge_eval import TARGET_RECALL_AT_5, evaluate, load_corpus, load_queries
from bench.knowledge_service import load, ranked_ids
from tests.integration.knowledge.conftest import KnowledgeHarness


async def test_recall_at_5_of_the_real_ranker_is_at_least_0_8(
    knowledge: KnowledgeHarness,
) -> None:
    corpus, queries = load_corpus(), load_queries()
    async with knowledge.pool.acquire() as conn:
        await load(conn, corpus)
        ranked = await ranked_ids(conn, corpus, queries)
    by_text = {(q.text, q.language): ranked[q.id] for q in queries}
    results = evaluate(lambda text, language: by_text[(text, language)], queries)
    assert set(results) == {"zh", "en", "de", "all"}
    for language, scores in results.items():
        assert scores.recall_at_5 >= TARGET_RECALL_AT_5, (language, scores)
    assert results["all"].mrr >= 0.75
