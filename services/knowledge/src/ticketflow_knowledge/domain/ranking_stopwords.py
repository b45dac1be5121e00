"""Words a question is full of and that say nothing about its topic, dropped on the query side
only (the index keeps every word): they would match half the items of their language."""

from ticketflow_common.text_analysis import analyze

_WORDS = {
    "en": """a an the and or but if of to in on at by for from with without into onto over
        under about as is are was were be been being am do does did done have has had having
        i me my mine we us our you your he him his she her it its they them their this that
        these those there here what which who whom whose when where why how can could would
        should will shall may might must not no nor so too very just also only than then
        again still any some all each every both either neither other such own same get got
        gets getting keep keeps please help anyone someone something anything thing things
        since while until after before up down out off now today yesterday always never
        ever""",
    "de": """der die das den dem des ein eine einen einem einer eines und oder aber wenn
        dass daß als wie wo was wer wem wen warum weshalb wieso ich mich mir mein meine
        meinen meinem meiner du dich dir dein deine er ihn ihm sein seine sie ihr ihre es
        wir uns unser unsere euch man ist sind war waren bin bist sein seid wird werden wurde
        wurden hat haben hatte hatten habe kann können konnte könnte muss müssen soll sollte
        will möchte darf nicht kein keine keinen nichts nur noch schon auch sehr so zu zum
        zur im in am an auf aus bei mit nach von vor für über unter um durch gegen ohne bis
        seit hier da dort dann jetzt heute gestern immer wieder mal bitte etwas jemand hallo
        geht gibt""",
    "zh": """的 了 是 我 你 他 她 它 我们 你们 他们 在 和 与 及 或 也 都 就 还 又 很 太 吗 呢
        吧 啊 呀 哦 嗯 了吗 么 这 那 这个 那个 这些 那些 这样 那样 一个 一下 有 没 没有 不
        要 会 能 可以 想 请 请问 怎么 怎么办 怎样 如何 什么 为什么 哪 哪里 哪儿 谁 把 被 给
        让 对 从 到 向 跟 上 下 里 中 时 时候 现在 今天 昨天 一直 总是 已经 经常 老是 还是
        但是 可是 因为 所以 如果 然后 自己 大家 一些 有点 有些 帮 帮忙 麻烦 谢谢 您好 你好""",
}

STOPWORDS: dict[str, frozenset[str]] = {
    language: frozenset(t for word in words.split() for t in analyze(word, language=language))
    for language, words in _WORDS.items()
}
"""The analysed terms (stems for en and de, jieba words for zh) of each language's list."""


def is_stopword(term: str, *, language: str) -> bool:
    return term in STOPWORDS.get(language.split("-", 1)[0].lower(), frozenset())
