# ruff: noqa: RUF001
"""The shipped mail of knowledge's events in English and Chinese: answers suggested for a
requester's ticket, each with its "did this solve it?" link, and a problem's fix told to its
tickets' requesters. Chinese keeps its full-width punctuation, hence the file-wide noqa."""

_TICKET = "{{ ticket.subject or event.subject }}"
_ITEMS = (
    "{% for item in items %}{{ loop.index }}. {{ item.title }}\n   {{ item.excerpt }}\n"
    "{% if item.link %}   {ASK} {{ item.link }}\n{% endif %}\n{% endfor %}"
)
_TICKETS = "{% for t in tickets %}- {{ t.subject or t.ticket_id }}\n{% endfor %}"
KNOWLEDGE_SOURCES: dict[tuple[str, str], tuple[str, str]] = {
    ("knowledge.suggested", "en"): (
        f"Answers that may solve your ticket: {_TICKET}",
        "We found {{ items | length }} answer{{ 's' if items | length != 1 }} that may solve"
        f" your ticket \u201c{_TICKET}\u201d.\n\n"
        + _ITEMS.replace("{ASK}", "Did this solve it? Tell us:")
        + "{% if not linked %}To say one of them solved it, open your ticket.\n{% endif %}"
        "If none of them helps, there is nothing to do: your ticket stays open and an agent"
        " will answer it.\n",
    ),
    ("knowledge.suggested", "zh"): (
        f"可能解决您工单的答案：{_TICKET}",
        f"我们为您的工单“{_TICKET}”找到了 {{{{ items | length }}}} 条可能有用的答案。\n\n"
        + _ITEMS.replace("{ASK}", "是否解决了您的问题？请点此告诉我们：")
        + "{% if not linked %}如果其中某条解决了问题，请在工单中告诉我们。\n{% endif %}"
        "如果都没有帮助，无需任何操作：工单会保持打开，坐席会尽快回复您。\n",
    ),
    ("problem.resolved", "en"): (
        "Fixed: {{ data.title }}",
        "{% if tickets %}The problem behind"
        " {{ 'your tickets' if tickets | length > 1 else 'your ticket' }} has been fixed:"
        f" {{{{ data.title }}}}.\n\n{_TICKETS}"
        "{% if data.resolve_linked_tickets %}\nWe have resolved the open ones; if the problem is"
        " still there, reopen your ticket.\n"
        "{% else %}\nAn agent will confirm with you before closing your ticket.\n{% endif %}"
        "{% else %}Problem {{ data.problem_id }} is resolved: {{ data.title }}.\n\n"
        "Fix: {{ data.permanent_fix }}\nLinked tickets: {{ data.ticket_ids | length }}"
        "{{ ', the open ones resolved' if data.resolve_linked_tickets }}\n{% endif %}",
    ),
    ("problem.resolved", "zh"): (
        "已修复：{{ data.title }}",
        "{% if tickets %}导致您工单的问题已修复：{{ data.title }}。\n\n"
        f"{_TICKETS}"
        "{% if data.resolve_linked_tickets %}\n未关闭的工单已标记为已解决；如果问题仍然存在，"
        "请重新打开工单。\n"
        "{% else %}\n坐席会在关闭工单前与您确认。\n{% endif %}"
        "{% else %}问题 {{ data.problem_id }} 已解决：{{ data.title }}。\n\n"
        "修复方案：{{ data.permanent_fix }}\n关联工单：{{ data.ticket_ids | length }} 个"
        "{{ '，未关闭的已一并解决' if data.resolve_linked_tickets }}\n{% endif %}",
    ),
}
