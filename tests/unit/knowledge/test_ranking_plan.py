"""How a question becomes weighted terms: stopwords out, Latin words with their analyses in the
other languages, rare terms weigh more and are the ones scanned, one word scores once."""

from ticketflow_knowledge.domain.ranking import (
    SCAN_BUDGET,
    TRIGRAM_QUERY_CHARS,
    Hit,
    QueryTerm,
    TermStats,
    compares_titles,
    final_score,
    idf,
    query_terms,
    raw_score,
    search_plan,
    why_matched,
)


def test_stopwords_are_dropped_but_a_question_of_stopwords_only_is_kept() -> None:
    english = [t.term for t in query_terms("why is my printer not working", language="en")]
    assert "my" not in english
    assert "is" not in english
    assert "printer" in english
    chinese = [t.term for t in query_terms("我的打印机怎么了", language="zh")]
    assert "的" not in chinese
    assert "打印机" in chinese
    assert [t.term for t in query_terms("the", language="en")] == ["the"]


def test_a_latin_word_brings_its_other_analyses_as_variants_of_one_part() -> None:
    terms = query_terms("Toner leer", language="de")
    assert terms[0] == QueryTerm(term="ton", part=0)
    assert QueryTerm(term="toner", part=0, variant=True) in terms
    assert {t.part for t in terms} == {0, 1}


def test_rare_terms_weigh_more_and_unknown_ones_most() -> None:
    assert idf(holding=10, items=1000) > idf(holding=500, items=1000) > 0
    assert idf(holding=0, items=1000) == idf(holding=1, items=1000)
    assert idf(holding=5, items=0) == 1.0


def test_only_the_rarest_terms_within_the_budget_are_scanned() -> None:
    terms = [QueryTerm("common", 0), QueryTerm("rare", 1), QueryTerm("middle", 2)]
    stats = TermStats(
        items=100_000, holding={"common": 50_000, "rare": 10, "middle": SCAN_BUDGET - 10}
    )
    plan = search_plan(terms, stats)
    assert plan is not None
    assert plan.scanned == [False, True, True]
    assert plan.weights[1] > plan.weights[2] > plan.weights[0]
    only_common = search_plan([QueryTerm("common", 0)], stats)
    assert only_common is not None
    assert only_common.scanned == [True]
    assert search_plan([], stats) is None


def test_a_word_scores_once_for_its_best_analysis() -> None:
    hits = [Hit("ton", 0, 1.0, False), Hit("toner", 0, 2.5, True), Hit("leer", 1, 0.5, False)]
    assert raw_score(hits) == 3.0


def test_the_score_is_a_share_of_the_best_match_lowered_for_another_language() -> None:
    same = final_score(raw=2.0, best_possible=4.0, same_language=True, reuse_count=0)
    other = final_score(raw=2.0, best_possible=4.0, same_language=False, reuse_count=0)
    reused = final_score(raw=2.0, best_possible=4.0, same_language=True, reuse_count=3)
    assert same == 0.5
    assert other < same < reused


def test_why_names_the_terms_the_title_the_language_and_the_reuse() -> None:
    why = why_matched(
        matched=["toner", "leer"], title_matched=["toner"], reuse_count=2, other_language="en"
    )
    assert (
        why == "matched toner, leer in the title (toner); written in en; solved 2 requests before"
    )


def test_titles_are_compared_only_for_a_short_question_whose_words_found_nothing() -> None:
    assert compares_titles("resett yuor pasword", found_by_words=0)
    assert not compares_titles("resett yuor pasword", found_by_words=1)
    assert not compares_titles("x" * (TRIGRAM_QUERY_CHARS + 1), found_by_words=0)
    assert not compares_titles("", found_by_words=0)
