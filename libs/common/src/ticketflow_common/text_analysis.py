"""Text analysis for search, the same on the index and the query side (pure, no I/O but
jieba's dictionary, loaded once on first use).

Text is normalised (NFKC, then casefolded: full-width letters become ASCII, ß becomes ss)
and split into runs by script:

- Han text without kana (Chinese) is segmented by jieba. The index side uses search mode
  (`cut_for_search`: the words and the dictionary words inside them, so 打印 and 打印机 are
  both indexed for 打印机); the query side uses the precise mode, so a query word is one term
  that the index holds whether it stood alone or inside a longer word.
- Japanese (text with kana: a run of kana and kanji) becomes character bigrams, and a single
  character stands for itself.
- Other scripts are words; Latin words are stemmed with Snowball for English and German
  (`STEMMED`), other languages are kept as words.

The ticket's language is known when a text is indexed, but not when someone searches. So
`query_terms` gives, for each part of the query, every way the index may have analysed it
(the word as it is, its English and its German stem; jieba's words or the bigrams of a Han
run): a document matches when every part matches one of its alternatives (`to_tsquery`).
"""

import asyncio
import logging
import re
import threading
import unicodedata
import warnings
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import snowballstemmer

STEMMED = {"en": "english", "de": "german"}
"""Languages whose words are stemmed (ISO 639-1 -> Snowball algorithm)."""

ANALYSIS_VERSION = 1
"""Raise it when `analyze` changes what it returns: stored terms of an older version are
re-analysed by the index's owner (intake: `reindex-search`)."""

MAX_TERM_CHARS = 64
"""Longer tokens (hashes, base64, runaway strings) are not worth indexing."""

# Han ideographs (CJK unified, extension A, compatibility) and the iteration mark 々.
_HAN = "\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Hiragana, katakana (with the prolonged sound mark ー) and the phonetic extensions.
_KANA = "\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff"
_KANA_CHAR = re.compile(f"[{_KANA}]")
_HAN_CHAR = re.compile(f"[{_HAN}]")
_RUNS = re.compile(f"(?P<cjk>[{_HAN}{_KANA}]+)|(?P<word>[^\\W_{_HAN}{_KANA}]+)")

_jieba_lock = threading.Lock()
_jieba: Any = None


def _tokenizer() -> Any:
    """jieba's tokenizer, its dictionary loaded on first use (about a second), silently."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                with warnings.catch_warnings():
                    # jieba 0.42's regexes have invalid escapes, reported when it compiles.
                    warnings.simplefilter("ignore", DeprecationWarning)
                    warnings.simplefilter("ignore", SyntaxWarning)
                    import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _jieba = tokenizer
    return _jieba


def warm_up() -> None:
    """Load jieba's dictionary now rather than on the first Chinese text."""
    _tokenizer()


def needs_dictionary(*texts: str) -> bool:
    """Whether analysing `texts` would load jieba's dictionary first (Han in them, and the
    dictionary not loaded yet)."""
    if _jieba is not None:
        return False
    return any(not t.isascii() and _HAN_CHAR.search(normalise(t)) for t in texts)


async def load_dictionary_for(*texts: str) -> None:
    """Load jieba's dictionary in a thread when `texts` need it: the first Chinese text waits
    for it (about a second) without stalling the event loop, and a process that never sees
    Chinese never holds it (about 95 MiB)."""
    if needs_dictionary(*texts):
        await asyncio.to_thread(warm_up)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@cache
def _stemmer(algorithm: str) -> Any:
    return snowballstemmer.stemmer(algorithm)


def _base_language(language: str | None) -> str:
    return (language or "").split("-", 1)[0].lower()


def stem(word: str, language: str | None) -> str:
    algorithm = STEMMED.get(_base_language(language))
    return word if algorithm is None else _stem(algorithm, word)


@lru_cache(maxsize=100_000)
def _stem(algorithm: str, word: str) -> str:
    """Snowball is pure Python (tens of microseconds a word); words repeat a lot."""
    stemmed: str = _stemmer(algorithm).stemWord(word)
    return stemmed


def bigrams(run: str) -> list[str]:
    """Overlapping character pairs; a single character is its own term."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _is_latin(word: str) -> bool:
    return word.isascii() or all("LATIN" in unicodedata.name(c, "") or c.isdigit() for c in word)


def _keep(terms: list[str]) -> list[str]:
    return [t for t in terms if t.strip() and len(t) <= MAX_TERM_CHARS]


def _chinese_words(run: str, *, search_mode: bool) -> list[str]:
    tokenizer = _tokenizer()
    words = tokenizer.cut_for_search(run) if search_mode else tokenizer.cut(run)
    return [w for w in words if w.strip()]


def analyze(text: str, *, language: str | None) -> list[str]:
    """The index terms of `text` written in `language` (ISO 639-1, e.g. en, de, zh, pt-BR),
    in order, repeats kept."""
    normalised = normalise(text)
    japanese = _base_language(language) == "ja" or _KANA_CHAR.search(normalised) is not None
    terms: list[str] = []
    for match in _RUNS.finditer(normalised):
        cjk, word = match.group("cjk"), match.group("word")
        if cjk:
            if japanese:
                terms += bigrams(cjk)
            else:
                terms += _chinese_words(cjk, search_mode=True)
        elif _is_latin(word):
            terms.append(stem(word, language))
        else:
            terms.append(word)
    return _keep(terms)


def to_index_text(*texts: str | None, language: str | None) -> str:
    """The terms of all `texts`, space-joined (a term never contains a space)."""
    return " ".join(t for text in texts if text for t in analyze(text, language=language))


def index_terms(*texts: str | None, language: str | None) -> list[str]:
    """The distinct terms of all `texts`, as a lexeme array (`array_to_tsvector`)."""
    return sorted({t for text in texts if text for t in analyze(text, language=language)})


@dataclass(frozen=True)
class QueryPart:
    """One part of a query: it matches when all the terms of one alternative are indexed."""

    alternatives: tuple[tuple[str, ...], ...]


def query_terms(q: str) -> list[QueryPart]:
    """The parts of the query `q`, each with every analysis the index may have applied.

    The language of what is searched is not known: a Latin word may be indexed as it is
    (languages without a stemmer) or as its English or German stem; a Han run without kana
    may be Chinese (jieba's precise words) or Japanese (bigrams); a run with kana is Japanese.
    """
    normalised = normalise(q)
    parts: list[QueryPart] = []
    for match in _RUNS.finditer(normalised):
        cjk, word = match.group("cjk"), match.group("word")
        alternatives: list[tuple[str, ...]] = []
        if cjk:
            if _KANA_CHAR.search(cjk) is None:
                alternatives.append(tuple(_keep(_chinese_words(cjk, search_mode=False))))
            alternatives.append(tuple(_keep(bigrams(cjk))))
        elif _is_latin(word):
            variants = [word, *(stem(word, language) for language in STEMMED)]
            alternatives += [(v,) for v in dict.fromkeys(_keep(variants))]
        else:
            alternatives.append(tuple(_keep([word])))
        unique = tuple(dict.fromkeys(a for a in alternatives if a))
        if unique:
            parts.append(QueryPart(alternatives=unique))
    return parts


def lexeme(term: str) -> str:
    """A tsquery operand that stands for `term` exactly (quoted, no normalisation)."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def to_tsquery(parts: list[QueryPart]) -> str | None:
    """Postgres tsquery text (cast with `::tsquery`, no text search configuration applied)
    requiring every part; None if the query has no terms at all."""
    if not parts:
        return None
    conjunction = []
    for part in parts:
        options = [" & ".join(lexeme(t) for t in alternative) for alternative in part.alternatives]
        conjunction.append("(" + " | ".join(f"({o})" for o in options) + ")")
    return " & ".join(conjunction)
