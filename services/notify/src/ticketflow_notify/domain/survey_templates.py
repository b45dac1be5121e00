# ruff: noqa: RUF001
"""The shipped mail of the satisfaction loop in English and Chinese: the survey invitation and
its one reminder (one click on a rating answers), and a negative rating told to the team lead.
Chinese keeps its full-width punctuation, hence the file-wide noqa."""

_TICKET = "{{ data.subject or ticket.subject or event.subject }}"
_EN_LABELS = "{{ {5: 'very happy', 4: 'happy', 3: 'so-so', 2: 'unhappy', 1: 'very unhappy'}"
_ZH_LABELS = "{{ {5: '非常满意', 4: '满意', 3: '一般', 2: '不满意', 1: '非常不满意'}"
_EN_RATINGS = (
    "{% for r in ratings %}  "
    + _EN_LABELS
    + "[r.rating] }} ({{ r.rating }}/5): {{ r.link }}\n{% endfor %}"
)
_ZH_RATINGS = (
    "{% for r in ratings %}  " + _ZH_LABELS + "[r.rating] }}（{{ r.rating }} 分）：{{ r.link }}\n"
    "{% endfor %}"
)
SURVEY_SOURCES: dict[tuple[str, str], tuple[str, str]] = {
    ("ticket.survey_requested", "en"): (
        "{% if data.round == 'reminder' %}Reminder: {% endif %}How did we do? " + _TICKET,
        "Your ticket \u201c" + _TICKET + "\u201d has been resolved."
        "{% if data.round == 'reminder' %} We have not heard from you yet: this is our only"
        " reminder.{% endif %}\n\n"
        "{% if ratings %}How satisfied are you? One click on a rating answers:\n\n"
        + _EN_RATINGS
        + "\nThe page that opens also asks whether your problem was resolved and takes a"
        " comment.\n{% else %}Tell us how satisfied you are (1-5) when you next open your"
        " ticket.\n{% endif %}"
        "\nThe survey is open until {{ data.expires_at | when }}.\n",
    ),
    ("ticket.survey_requested", "zh"): (
        "{% if data.round == 'reminder' %}提醒：{% endif %}请评价我们的服务：" + _TICKET,
        "您的工单“" + _TICKET + "”已解决。"
        "{% if data.round == 'reminder' %}我们还没有收到您的评价：这是唯一一次提醒。{% endif %}\n\n"
        "{% if ratings %}您对本次服务满意吗？点击一个评分即可完成评价：\n\n"
        + _ZH_RATINGS
        + "\n打开的页面还会询问问题是否已解决，并可留下意见。\n"
        "{% else %}下次打开工单时，请告诉我们您的满意度（1-5 分）。\n{% endif %}"
        "\n调查截止时间：{{ data.expires_at | when }}。\n",
    ),
    ("feedback.negative", "en"): (
        "Negative feedback ({{ data.rating }}/5): " + _TICKET,
        "The requester rated ticket {{ event.subject }} \u201c" + _TICKET + "\u201d"
        " {{ data.rating }} out of 5{% if data.team %} (team {{ data.team }}){% endif %}.\n"
        "{% if data.comment %}\nTheir comment: {{ data.comment }}\n{% endif %}"
        "{% if data.follow_up_ticket_id %}\nA follow-up ticket was opened:"
        " {{ data.follow_up_ticket_id }}\n{% endif %}",
    ),
    ("feedback.negative", "zh"): (
        "差评（{{ data.rating }} 分）：" + _TICKET,
        "请求人对工单 {{ event.subject }}“" + _TICKET + "”的评分为 {{ data.rating }} 分"
        "（满分 5 分）{% if data.team %}，团队 {{ data.team }}{% endif %}。\n"
        "{% if data.comment %}\n请求人意见：{{ data.comment }}\n{% endif %}"
        "{% if data.follow_up_ticket_id %}\n已创建跟进工单：{{ data.follow_up_ticket_id }}\n"
        "{% endif %}",
    ),
}
