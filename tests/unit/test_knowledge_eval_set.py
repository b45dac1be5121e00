"""The knowledge evaluation set (issue 15, item 6) is valid, and its metrics are right."""

from collections import Counter

import pytest

from bench.knowledge_eval import (
    Bm25Ranker,
    Item,
    Query,
    evaluate,
    load_corpus,
    load_queries,
    recall_at,
    reciprocal_rank,
    score,
    tokens,
    validate,
)

CORPUS = load_corpus()
QUERIES = load_queries()


def test_the_set_keeps_its_rules() -> None:
    assert validate(CORPUS, QUERIES) == []


def test_enough_queries_in_three_languages_chinese_first() -> None:
    per_language = Counter(query.language for query in QUERIES)
    assert len(QUERIES) >= 240
    assert set(per_language) >= {"zh", "en", "de"}
    assert per_language["zh"] >= 80
    assert per_language["en"] >= 80
    assert per_language["de"] >= 60


def test_the_corpus_is_multilingual_and_holds_both_kinds() -> None:
    languages = Counter(item.language for item in CORPUS)
    assert len(CORPUS) >= 150
    assert languages["zh"] >= 0.4 * len(CORPUS)
    assert {item.kind for item in CORPUS} == {"article", "solution"}
    for item in CORPUS:
        if item.kind == "article":
            assert {"title", "body", "category", "tags", "language", "visibility"} <= set(item.raw)
            assert item.raw["visibility"] in {"public", "internal"}
        else:
            assert {"subject", "description", "solution"} <= set(item.raw)


def test_ids_are_unique_and_every_relevant_id_exists() -> None:
    ids = [item.id for item in CORPUS]
    assert len(ids) == len(set(ids))
    assert len({query.id for query in QUERIES}) == len(QUERIES)
    known = set(ids)
    for query in QUERIES:
        assert 1 <= len(query.relevant) <= 3
        assert set(query.relevant) <= known, query.id


def test_no_query_copies_a_title() -> None:
    titles = {item.title.strip().casefold() for item in CORPUS}
    assert not [q.id for q in QUERIES if q.text.strip().casefold() in titles]


def test_validate_reports_what_is_broken() -> None:
    item = Item(id="a", kind="article", language="zh", title="打印机", text="打印机", raw={})
    twin = Item(id="a", kind="solution", language="fr", title="x", text="x", raw={})
    query = Query(id="q", language="zh", text="打印机", relevant=("missing",))
    problems = validate([item, twin], [query])
    assert "duplicate corpus id a" in problems
    assert "a: language 'fr'" in problems
    assert "q: unknown id missing" in problems
    assert "q: copies a title verbatim" in problems
    assert any("at least 200" in p for p in problems)
    assert any("three or more" in p for p in problems)


def test_recall_at_k() -> None:
    ranked = ["a", "b", "c", "d", "e", "f"]
    assert recall_at(ranked, ["a"], 1) == 1.0
    assert recall_at(ranked, ["b"], 1) == 0.0
    assert recall_at(ranked, ["b", "f"], 5) == 0.5
    assert recall_at(ranked, ["b", "f"], 6) == 1.0
    assert recall_at([], ["a"], 5) == 0.0
    with pytest.raises(ValueError, match="no relevant"):
        recall_at(ranked, [], 5)


def test_reciprocal_rank() -> None:
    assert reciprocal_rank(["a", "b", "c"], ["a"]) == 1.0
    assert reciprocal_rank(["a", "b", "c"], ["c", "b"]) == 0.5
    assert reciprocal_rank(["a", "b", "c"], ["z"]) == 0.0


def test_scores_average_over_queries() -> None:
    runs = [(["a", "b"], ["a"]), (["x", "y", "a"], ["a"]), (["x"], ["a"])]
    result = score(runs)
    assert result.queries == 3
    assert result.recall_at_1 == pytest.approx(1 / 3)
    assert result.recall_at_5 == pytest.approx(2 / 3)
    assert result.mrr == pytest.approx((1 + 1 / 3 + 0) / 3)


def test_evaluate_splits_by_language() -> None:
    queries = [
        Query(id="1", language="zh", text="打印机", relevant=("p",)),
        Query(id="2", language="en", text="vpn", relevant=("v",)),
    ]

    def rank(text: str, language: str) -> list[str]:
        return ["p", "v"]

    result = evaluate(rank, queries)
    assert list(result) == ["zh", "en", "all"]
    assert result["zh"].mrr == 1.0
    assert result["en"].mrr == 0.5
    assert result["all"].mrr == 0.75


def test_chinese_text_is_indexed_by_characters_and_bigrams() -> None:
    assert {"打印", "印机", "打"} <= set(tokens("三楼打印机无法连接网络"))


def test_the_baseline_finds_a_two_character_word_inside_a_sentence() -> None:
    corpus = [
        Item(
            id="p",
            kind="solution",
            language="zh",
            title="三楼打印机无法连接网络",
            text="三楼打印机无法连接网络",
            raw={},
        ),
        Item(id="v", kind="article", language="en", title="VPN", text="VPN keeps dropping", raw={}),
    ]
    assert Bm25Ranker(corpus)("打印机", "zh")[0] == "p"
