"""The text analysis search shares: the same terms on the index and the query side."""

import pytest

from ticketflow_common import text_analysis
from ticketflow_common.text_analysis import (
    QueryPart,
    analyze,
    normalise,
    query_terms,
    to_index_text,
    to_tsquery,
)


def found(q: str, text: str, *, language: str) -> bool:
    """Whether the query matches the text, as the tsquery of `to_tsquery` would."""
    indexed = set(analyze(text, language=language))
    return all(
        any(all(t in indexed for t in alternative) for alternative in part.alternatives)
        for part in query_terms(q)
    )


def test_a_chinese_word_inside_a_sentence_is_found() -> None:
    sentence = "三楼打印机无法连接网络"
    terms = analyze(sentence, language="zh")
    assert {"打印机", "打印", "网络"} <= set(terms)
    assert found("打印机", sentence, language="zh")
    assert found("网络", sentence, language="zh")
    assert found("打印", sentence, language="zh")
    assert not found("电脑", sentence, language="zh")


def test_a_japanese_word_inside_a_sentence_is_found() -> None:
    sentence = "会議室のプリンターが動きません"
    assert found("プリンター", sentence, language="ja")
    assert found("会議室", sentence, language="ja")
    assert not found("スキャナー", sentence, language="ja")
    assert analyze("の", language="ja") == ["の"]


def test_english_and_german_words_are_stemmed() -> None:
    assert analyze("Printers", language="en") == ["printer"]
    assert found("printers", "printer offline", language="en")
    assert found("printer", "two printers offline", language="en")
    assert analyze("Drucker", language="de") == analyze("Druckers", language="de")
    assert found("Druckers", "Der Drucker druckt nicht", language="de")


def test_languages_without_a_stemmer_keep_their_words() -> None:
    assert analyze("Imprimantes cassées", language="fr") == ["imprimantes", "cassées"]
    assert found("imprimantes", "Imprimantes cassées", language="fr")


def full_width(text: str) -> str:
    """`text` in full-width forms (U+FF01..), as East Asian keyboards often type it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" for c in text)


def test_full_width_letters_and_case_are_normalised() -> None:
    assert normalise(full_width("PRINTER")) == "printer"
    assert analyze(full_width("PRINTER"), language="en") == ["printer"]
    assert found("printer", full_width("PRINTERS offline"), language="en")
    assert found(full_width("printer"), "Printers offline", language="en")
    assert analyze("Straße", language="fr") == ["strasse"]


def test_index_text_and_tsquery() -> None:
    assert to_index_text("Printer jams", None, "网络", language="en") == "printer jam 网络"
    assert query_terms("网络") == [QueryPart(alternatives=(("网络",),))]
    assert to_tsquery([]) is None
    assert to_tsquery(query_terms("it's")) == "(('it')) & (('s'))"
    assert to_tsquery(query_terms("o'neil\\")) is not None
    assert "''" in (to_tsquery([QueryPart(alternatives=(("o'neil",),))]) or "")


def test_only_han_text_needs_the_dictionary(monkeypatch: pytest.MonkeyPatch) -> None:
    """What `load_dictionary_for` decides by: a process that never sees Chinese never loads it."""
    monkeypatch.setattr(text_analysis, "_jieba", None)
    assert text_analysis.needs_dictionary("VPN", "打印机坏了")
    assert text_analysis.needs_dictionary("⽇本")  # a Kangxi radical, a Han character once NFKC
    assert not text_analysis.needs_dictionary("VPN drops", "Drucker läuft nicht", "")
    monkeypatch.setattr(text_analysis, "_jieba", object())
    assert not text_analysis.needs_dictionary("打印机坏了")
