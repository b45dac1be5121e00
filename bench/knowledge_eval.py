"""Knowledge search quality on a committed evaluation set (issue 15, item 6).

Run: `uv run python -m bench.knowledge_eval [--baseline] [--misses]`. Loads
`bench/data/knowledge_eval/corpus.jsonl` (articles and resolved-ticket solutions in zh, en
and de) and `queries.jsonl` (requester-phrased queries, each with the ids of the items that
answer it), validates both, and prints recall@1, recall@5 and MRR per query language and
overall for a ranking function `rank(query_text, language) -> list[id]`.

By default the ranker is the knowledge service's own `rank_items`, over a fresh schema (in a
database of its own, dropped afterwards) holding the corpus indexed through `index_item`
(`bench/knowledge_service.py`; needs Postgres: the TICKETFLOW_* variables, else the local
infra). `--baseline` ranks with the stdlib-only BM25 shipped here instead (word tokens,
character trigrams of Latin words, character unigrams and bigrams of CJK runs; pure CPU, no
infra). Any other search plugs in through `evaluate(rank, ...)`; `--misses` lists the queries
whose relevant ids are not all in the top 5.

How the set is labelled: `relevant` holds the one to three items that answer the query,
best first, in the query's own language whenever the corpus has a full answer in it; an item
in another language is listed only when the query's language has no full answer (or the
query itself mixes languages). Recall@k is the share of a query's relevant ids found in its
first k results (so recall@1 is at most 1/len(relevant)); MRR uses the first relevant hit.
Corpus items in one language have parallel items in the others and confusable neighbours
(printer offline / driver / secure print, VPN / Wi-Fi / certificate, reset / locked / MFA,
expense / travel / advance), so a ranker must rank, not just match a topic.
"""

import json
import math
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data" / "knowledge_eval"
CORPUS_FILE = DATA_DIR / "corpus.jsonl"
QUERIES_FILE = DATA_DIR / "queries.jsonl"
LANGUAGES = ("zh", "en", "de")
KINDS = ("article", "solution")
# What issue 15 asks of the set and of the search.
MIN_QUERIES = 200
MIN_LANGUAGES = 3
TARGET_RECALL_AT_5 = 0.8

Ranker = Callable[[str, str], list[str]]


@dataclass(frozen=True)
class Item:
    id: str
    kind: str  # "article" or "solution"
    language: str
    title: str  # an article's title, a solution's ticket subject
    text: str  # everything searchable, title included
    raw: dict[str, Any]


@dataclass(frozen=True)
class Query:
    id: str
    language: str
    text: str
    relevant: tuple[str, ...]


class InvalidSet(ValueError):
    """The evaluation set breaks one of its own rules."""


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row, dict):
            raise InvalidSet(f"{path.name}:{number}: not a JSON object")
        rows.append(row)
    return rows


def _item(row: dict[str, Any]) -> Item:
    kind = row["kind"]
    if kind == "article":
        title = str(row["title"])
        parts = [title, str(row["body"]), " ".join(row.get("tags", []))]
        for field in ("category", "visibility"):
            if field not in row:
                raise InvalidSet(f"{row['id']}: article without {field}")
    elif kind == "solution":
        title = str(row["subject"])
        parts = [title, str(row["description"]), str(row["solution"])]
    else:
        raise InvalidSet(f"{row.get('id')}: unknown kind {kind!r}")
    return Item(
        id=str(row["id"]),
        kind=kind,
        language=str(row["language"]),
        title=title,
        text="\n".join(parts),
        raw=row,
    )


def load_corpus(path: Path = CORPUS_FILE) -> list[Item]:
    return [_item(row) for row in _read_jsonl(path)]


def load_queries(path: Path = QUERIES_FILE) -> list[Query]:
    return [
        Query(
            id=str(row["id"]),
            language=str(row["language"]),
            text=str(row["text"]),
            relevant=tuple(str(r) for r in row["relevant"]),
        )
        for row in _read_jsonl(path)
    ]


def validate(corpus: Sequence[Item], queries: Sequence[Query]) -> list[str]:
    """Every rule the set keeps; returns the problems found (empty when valid)."""
    problems: list[str] = []
    item_ids = Counter(item.id for item in corpus)
    problems += [f"duplicate corpus id {i}" for i, n in item_ids.items() if n > 1]
    query_ids = Counter(query.id for query in queries)
    problems += [f"duplicate query id {i}" for i, n in query_ids.items() if n > 1]
    titles = {item.title.strip().casefold() for item in corpus}
    for item in corpus:
        if item.language not in LANGUAGES:
            problems.append(f"{item.id}: language {item.language!r}")
        if item.kind not in KINDS:
            problems.append(f"{item.id}: kind {item.kind!r}")
    for query in queries:
        if query.language not in LANGUAGES:
            problems.append(f"{query.id}: language {query.language!r}")
        if not 1 <= len(query.relevant) <= 3:
            problems.append(f"{query.id}: {len(query.relevant)} relevant ids (1-3 allowed)")
        if len(set(query.relevant)) != len(query.relevant):
            problems.append(f"{query.id}: a relevant id repeated")
        problems += [f"{query.id}: unknown id {r}" for r in query.relevant if r not in item_ids]
        if query.text.strip().casefold() in titles:
            problems.append(f"{query.id}: copies a title verbatim")
    if len(queries) < MIN_QUERIES:
        problems.append(f"{len(queries)} queries, at least {MIN_QUERIES} needed")
    languages = {query.language for query in queries}
    if len(languages) < MIN_LANGUAGES or "zh" not in languages:
        problems.append(f"query languages {sorted(languages)}: three or more, zh among them")
    return problems


# --- metrics ---------------------------------------------------------------------------


def recall_at(ranked: Sequence[str], relevant: Sequence[str], k: int) -> float:
    """Share of the relevant ids found in the first k results."""
    if not relevant:
        raise ValueError("no relevant ids")
    top = set(ranked[:k])
    return sum(1 for r in set(relevant) if r in top) / len(set(relevant))


def reciprocal_rank(ranked: Sequence[str], relevant: Sequence[str]) -> float:
    """1 / rank of the first relevant result, 0 when none is ranked."""
    wanted = set(relevant)
    for position, item_id in enumerate(ranked, start=1):
        if item_id in wanted:
            return 1.0 / position
    return 0.0


@dataclass(frozen=True)
class Scores:
    queries: int
    recall_at_1: float
    recall_at_5: float
    mrr: float


def score(runs: Sequence[tuple[Sequence[str], Sequence[str]]]) -> Scores:
    """Mean recall@1, recall@5 and MRR over (ranked, relevant) pairs."""
    n = len(runs)
    if n == 0:
        return Scores(0, 0.0, 0.0, 0.0)
    return Scores(
        queries=n,
        recall_at_1=sum(recall_at(r, rel, 1) for r, rel in runs) / n,
        recall_at_5=sum(recall_at(r, rel, 5) for r, rel in runs) / n,
        mrr=sum(reciprocal_rank(r, rel) for r, rel in runs) / n,
    )


def evaluate(rank: Ranker, queries: Sequence[Query]) -> dict[str, Scores]:
    """Scores per query language, and "all"."""
    runs: dict[str, list[tuple[Sequence[str], Sequence[str]]]] = {}
    for query in queries:
        ranked = rank(query.text, query.language)
        pair = (ranked, query.relevant)
        runs.setdefault(query.language, []).append(pair)
        runs.setdefault("all", []).append(pair)
    order = [lang for lang in LANGUAGES if lang in runs] + ["all"]
    return {key: score(runs[key]) for key in order}


# --- baseline ranker -------------------------------------------------------------------

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W_]+", re.UNICODE)
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")
_SUFFIXES = ("ungen", "ung", "en", "er", "es", "ing", "ed", "s", "e", "n")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    """Word stems and character trigrams for Latin words; unigrams and bigrams for CJK."""
    out: list[str] = []
    for run in _TOKEN.findall(text.casefold()):
        if _CJK_RUN.match(run):
            out += list(run)
            out += [run[i : i + 2] for i in range(len(run) - 1)]
        else:
            word = run.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
            out.append("w:" + _stem(word))
            padded = f"#{word}#"
            if len(word) > 3:
                out += ["g:" + padded[i : i + 3] for i in range(len(padded) - 2)]
    return out


class Bm25Ranker:
    """Okapi BM25 over `tokens`, stdlib only; the query language is not used."""

    def __init__(self, corpus: Sequence[Item], k1: float = 1.2, b: float = 0.75) -> None:
        self._ids = [item.id for item in corpus]
        self._docs = [Counter(tokens(item.text)) for item in corpus]
        self._lengths = [sum(doc.values()) for doc in self._docs]
        self._average = sum(self._lengths) / max(len(self._docs), 1)
        frequency: Counter[str] = Counter()
        for doc in self._docs:
            frequency.update(doc.keys())
        n = len(self._docs)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}
        self._k1 = k1
        self._b = b

    def __call__(self, query_text: str, language: str) -> list[str]:
        terms = Counter(tokens(query_text))
        scored: list[tuple[float, str]] = []
        for item_id, doc, length in zip(self._ids, self._docs, self._lengths, strict=True):
            norm = self._k1 * (1 - self._b + self._b * length / self._average)
            total = 0.0
            for term, count in terms.items():
                tf = doc.get(term)
                if tf:
                    total += count * self._idf[term] * tf * (self._k1 + 1) / (tf + norm)
            if total > 0:
                scored.append((total, item_id))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [item_id for _, item_id in scored[:20]]


# --- report ----------------------------------------------------------------------------


def table(results: dict[str, Scores]) -> str:
    lines = [f"{'language':<10}{'queries':>8}{'recall@1':>10}{'recall@5':>10}{'MRR':>8}"]
    for key, s in results.items():
        lines.append(
            f"{key:<10}{s.queries:>8}{s.recall_at_1:>10.3f}{s.recall_at_5:>10.3f}{s.mrr:>8.3f}"
        )
    return "\n".join(lines)


def misses(rank: Ranker, queries: Sequence[Query], corpus: Sequence[Item]) -> list[str]:
    """One line per query whose relevant ids are not all in its top 5."""
    titles = {item.id: item.title for item in corpus}
    lines = []
    for query in queries:
        top = rank(query.text, query.language)[:5]
        if recall_at(top, query.relevant, 5) < 1:
            got = ", ".join(f"{i} ({titles[i][:30]})" for i in top[:3])
            lines.append(f"{query.id} {query.text!r}: wants {list(query.relevant)}; got {got}")
    return lines


def main() -> int:
    corpus = load_corpus()
    queries = load_queries()
    problems = validate(corpus, queries)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    items = Counter((item.language, item.kind) for item in corpus)
    print(f"corpus: {len(corpus)} items")
    for lang in LANGUAGES:
        print(
            f"  {lang}: {items[(lang, 'article')]} articles, {items[(lang, 'solution')]} solutions"
        )
    by_language = Counter(query.language for query in queries)
    print(f"queries: {len(queries)} ({', '.join(f'{k} {by_language[k]}' for k in LANGUAGES)})")
    arguments = sys.argv[1:]
    if "--baseline" in arguments:
        ranker: Ranker = Bm25Ranker(corpus)
        print("\nbaseline: BM25 over words, Latin trigrams, CJK unigrams+bigrams")
    else:
        from bench.infra import bench_infra
        from bench.knowledge_service import run_service_scores

        _, ranked = run_service_scores(bench_infra(), corpus, queries)
        by_text = {(q.text, q.language): ranked[q.id] for q in queries}

        def ranker(text: str, language: str) -> list[str]:
            return by_text[(text, language)]

        print("\nthe knowledge service's rank_items over a fresh schema holding the corpus")
    results = evaluate(ranker, queries)
    print(table(results))
    overall = results["all"].recall_at_5
    verdict = "meets" if overall >= TARGET_RECALL_AT_5 else "below"
    print(f"\nrecall@5 {overall:.3f} {verdict} the issue-15 target of {TARGET_RECALL_AT_5}")
    if "--misses" in arguments:
        print("\nmisses (relevant ids not all in the top 5):")
        print("\n".join(misses(ranker, queries, corpus)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
