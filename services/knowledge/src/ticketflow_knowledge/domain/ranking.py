"""How a question is turned into a search and how the matches are ordered.

Any query term may match (a description is not a conjunction). Each term weighs by how rare it
is among the live items (BM25's inverse document frequency, from `search_term_stats`): 打印机
counts, 的 and "the" hardly do. A term's weight saturates with its count in the item (BM25's tf
part, longer items need more), a term in the title counts as `TITLE_EXTRA` more occurrences, an
item in the question's language ranks a little above a translation, and each time an item
solved something it ranks a little higher. The score shown is the share of the best possible
match (0..1] times the reuse boost, so `min_score` means the same for every question.

Speed: the store reads an inverted index (`search_postings`, the tf part precomputed); only the
rarest terms, up to `SCAN_BUDGET` postings, pick the candidates, and the commonest terms still
count in the exact score of the `POOL_SIZE` candidates picked."""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from ticketflow_common.events.knowledge import ItemKind
from ticketflow_common.text_analysis import analyze
from ticketflow_common.text_analysis import query_terms as word_alternatives
from ticketflow_knowledge.domain.ranking_stopwords import is_stopword

ALL_KINDS: tuple[ItemKind, ...] = ("article", "known_error", "solution")
REUSE_WEIGHT = 0.15
"""Score multiplier per natural-log unit of reuse: 1 use x1.10, 10 uses x1.36."""
K1 = 1.2
"""BM25 term-frequency saturation. K1, B, TITLE_EXTRA and AVERAGE_TERMS are also written out in
migration 0006's trigger, which precomputes each posting's tf part: change both together."""
B = 0.5
"""BM25 length normalisation (0: none, 1: full); knowledge items are short and similar."""
TITLE_EXTRA = 2.0
"""A term in the title counts as this many more occurrences."""
OTHER_LANGUAGE = 0.75
"""Multiplier of an item written in another language than the question."""
AVERAGE_TERMS = 50
"""A typical item's distinct terms, for BM25's length normalisation (migration 0006 uses it)."""
SCAN_BUDGET = 1_000
"""Terms whose postings are scanned are taken rarest first while they add up to at most this
many (the rarest one always; a term counts at most `SCAN_PER_TERM`): the scan, and so the
latency, stays bounded at 100,000 items."""
SCAN_PER_TERM = 500
"""Of a term held by more items, only the postings with the most of it (in the title) count
towards picking candidates: 打印机 in 10,000 items cannot all be read in time."""
POOL_SIZE = 20
"""Candidates scored exactly (every query term), the best by the scanned terms."""
MAX_QUERY_TERMS = 32
"""A pasted log is not a question: its first distinct terms are enough."""
VARIANT_WEIGHT = 0.8
"""A Latin word's other analyses (unstemmed, the other language's stem: Toner is `ton` in German,
`toner` in English) match items in other languages, a little less than the word itself."""


@dataclass(frozen=True)
class RankQuery:
    """What is asked: free text in a language, and what the caller may see."""

    text: str
    language: str
    public_only: bool
    kinds: tuple[ItemKind, ...] = ALL_KINDS
    limit: int = 5
    min_score: float = 0.0


@dataclass(frozen=True)
class TermStats:
    """How many live items there are and how many hold each term (missing: none or a few)."""

    items: int
    holding: Mapping[str, int]


@dataclass(frozen=True)
class Hit:
    """A query term an item holds: its weighted BM25 score in that item, and where."""

    term: str
    part: int
    score: float
    in_title: bool


@dataclass(frozen=True)
class QueryTerm:
    """One term to look for; the terms of one `part` are analyses of the same query word, and
    an item scores for the best of them only."""

    term: str
    part: int
    variant: bool = False


@dataclass(frozen=True)
class SearchPlan:
    """Every term with its weight for the score, and whether its postings are scanned."""

    terms: list[QueryTerm] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    scanned: list[bool] = field(default_factory=list)

    @property
    def scanned_weights(self) -> dict[str, float]:
        """The scanned terms and their weights."""
        return {
            t.term: w for t, w, s in zip(self.terms, self.weights, self.scanned, strict=True) if s
        }

    @cached_property
    def _parts(self) -> dict[str, tuple[int, float]]:
        """Each term's part and weight, looked up for every candidate's postings."""
        return {t.term: (t.part, w) for t, w in zip(self.terms, self.weights, strict=True)}

    def hits(self, postings: list[tuple[str, float, bool]]) -> list[Hit]:
        """An item's (term, tf part, in title) postings of query terms, weighted."""
        known = self._parts
        out = []
        for term, tf_part, in_title in postings:
            if term in known:
                part, weight = known[term]
                out.append(Hit(term=term, part=part, score=weight * tf_part, in_title=in_title))
        return out

    @property
    def best_possible(self) -> float:
        """The raw score of an item holding every part many times, in the title too."""
        best: dict[int, float] = {}
        for term, weight in zip(self.terms, self.weights, strict=True):
            best[term.part] = max(best.get(term.part, 0.0), weight)
        return sum(best.values()) * (K1 + 1)


_NOT_LATIN = re.compile("[\u2e80-\u9fff\uf900-\ufaff]+")
"""CJK runs, blanked before looking for a text's Latin words."""


def _latin_alternatives(text: str) -> dict[str, list[str]]:
    """For each analysis of a Latin word of `text`, all analyses of that word."""
    out: dict[str, list[str]] = {}
    for part in word_alternatives(_NOT_LATIN.sub(" ", text)):
        terms = [a[0] for a in part.alternatives if len(a) == 1]
        if len(terms) == len(part.alternatives) and all(ord(t[0]) < 0x2E80 for t in terms):
            for term in terms:
                out.setdefault(term, terms)
    return out


def query_terms(text: str, *, language: str) -> list[QueryTerm]:
    """The distinct terms the index would hold for `text` in `language` but its stopwords, in
    order, each Latin word with its analyses in the other languages as variants."""
    every = list(dict.fromkeys(analyze(text, language=language)))
    primary = [t for t in every if not is_stopword(t, language=language)] or every
    primary = primary[:MAX_QUERY_TERMS]
    alternatives = _latin_alternatives(text) if any(ord(t[0]) < 0x2E80 for t in primary) else {}
    seen = set(primary)
    out: list[QueryTerm] = []
    for part, term in enumerate(primary):
        out.append(QueryTerm(term=term, part=part))
        for variant in alternatives.get(term, []):
            if variant not in seen:
                seen.add(variant)
                out.append(QueryTerm(term=variant, part=part, variant=True))
    return out


def idf(*, holding: int, items: int) -> float:
    """BM25's inverse document frequency, always positive; 1 when nothing is counted yet."""
    if items <= 0:
        return 1.0
    holding = min(max(holding, 1), items)
    return math.log(1.0 + (items - holding + 0.5) / (holding + 0.5))


def search_plan(terms: list[QueryTerm], stats: TermStats) -> SearchPlan | None:
    """Weights for every term, the rarest ones scanned; None when the text holds no searchable
    term at all."""
    if not terms:
        return None
    weights = [
        idf(holding=stats.holding.get(t.term, 0), items=stats.items)
        * (VARIANT_WEIGHT if t.variant else 1.0)
        for t in terms
    ]
    scanned = [True] * len(terms)
    if stats.items > 0:
        order = sorted(range(len(terms)), key=lambda i: stats.holding.get(terms[i].term, 0))
        expected = 0
        for rank, i in enumerate(order):
            expected += min(stats.holding.get(terms[i].term, 0), SCAN_PER_TERM)
            scanned[i] = rank == 0 or expected <= SCAN_BUDGET
    return SearchPlan(terms=terms, weights=weights, scanned=scanned)


def raw_score(hits: list[Hit]) -> float:
    """BM25 of an item: per query word the best of its analyses, summed."""
    best: dict[int, float] = {}
    for hit in hits:
        best[hit.part] = max(best.get(hit.part, 0.0), hit.score)
    return sum(best.values())


def matched_terms(hits: list[Hit]) -> list[str]:
    """The terms an item holds, weightiest first."""
    return [h.term for h in sorted(hits, key=lambda h: (-h.score, h.term))]


def final_score(
    *, raw: float, best_possible: float, same_language: bool, reuse_count: int
) -> float:
    """The share of the best possible match, for another language a little less, reuse up."""
    share = raw / best_possible if best_possible > 0 else 0.0
    language = 1.0 if same_language else OTHER_LANGUAGE
    return share * language * (1.0 + REUSE_WEIGHT * math.log1p(max(reuse_count, 0)))


def why_matched(
    *, matched: list[str], title_matched: list[str], reuse_count: int, other_language: str | None
) -> str:
    """One sentence: which terms matched where (weightiest first), the language, the reuse."""
    shown = ", ".join(matched[:6]) + ("…" if len(matched) > 6 else "")
    if title_matched:
        where = "in the title (" + ", ".join(title_matched[:3]) + ")"
    else:
        where = "in the text"
    language = f"; written in {other_language}" if other_language else ""
    reuse = (
        f"; solved {reuse_count} request{'s' if reuse_count != 1 else ''} before"
        if reuse_count
        else ""
    )
    return f"matched {shown} {where}{language}{reuse}"


TRIGRAM_QUERY_CHARS = 64
"""Questions up to this long (a subject, a misspelt phrase) are compared with titles; a longer
text holds most trigrams there are and would read the trigram index's longest lists (at 100,000
items, a 200-character question took 100-400 ms there)."""
TRIGRAM_WEIGHT = 0.5
"""An item found only because its title resembles the question (a misspelling, a word the
index does not hold) scores half its trigram similarity: below a good match by words."""


def compares_titles(folded: str, *, found_by_words: int) -> bool:
    """Titles are compared letter by letter only when the question's words found nothing and
    the (normalised) question is title-sized: a misspelling, or words the index does not hold."""
    return found_by_words == 0 and 0 < len(folded) <= TRIGRAM_QUERY_CHARS


def trigram_score(similarity: float) -> float:
    return TRIGRAM_WEIGHT * max(0.0, min(similarity, 1.0))


def search_language(text: str, language: str | None) -> str:
    """The language to analyse a search in: the one asked for, else Chinese when the text holds
    Han characters (Japanese kana is recognised by the analyser itself), else English."""
    if language:
        return language
    han = any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in text)
    return "zh" if han else "en"
