"""The language a mail is written in, for the event and the replies: the script decides (Han
characters dominating: Chinese, any kana: Japanese), as knowledge's search language does."""

_KANA = ("\u3041", "\u30ff")


def _is_han(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


def guess_language(text: str) -> str:
    """ "ja" when the text has kana, "zh" when Han characters outnumber Latin letters, else
    "en"."""
    han = latin = 0
    for c in text:
        if _KANA[0] <= c <= _KANA[1] and c != "\u30fb":
            return "ja"
        if _is_han(c):
            han += 1
        elif c.isascii() and c.isalpha():
            latin += 1
    return "zh" if han and han * 3 >= latin else "en"
