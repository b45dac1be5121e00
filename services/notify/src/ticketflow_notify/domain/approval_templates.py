# ruff: noqa: RUF001
"""The shipped mail of intake's approval requests in English and Chinese: the request, the
reminder and the escalation, with the subject, the amount and the approver's own approve and
reject links. Chinese keeps its full-width punctuation, hence the file-wide noqa."""

_SUBJECT = "{{ data.subject }}"
_EN_LINKS = (
    "{% if approve_link %}Approve: {{ approve_link }}\nReject: {{ reject_link }}\n\n"
    "Each link opens a page that asks you to confirm; nothing is decided until you do.\n"
    "{% else %}Decide in Ticketflow: POST /tickets/{{ data.ticket_id }}/approval\n{% endif %}"
)
_ZH_LINKS = (
    "{% if approve_link %}批准：{{ approve_link }}\n驳回：{{ reject_link }}\n\n"
    "链接会打开确认页面，确认之前不会做任何决定。\n"
    "{% else %}请在 Ticketflow 中审批：POST /tickets/{{ data.ticket_id }}/approval\n{% endif %}"
)
APPROVAL_SOURCES: dict[tuple[str, str], tuple[str, str]] = {
    ("ticket.approval_requested", "en"): (
        "{% if data.round == 'reminder' %}Reminder: approval needed"
        "{% elif data.round == 'escalation' %}Escalated: approval overdue"
        "{% else %}Approval needed{% endif %}: " + _SUBJECT,
        "{% if approver.name %}Dear {{ approver.name }},\n\n{% endif %}"
        "{% if data.round == 'escalation' %}Nobody has decided this request in time;"
        " as its escalation contact, please decide it.\n"
        "{% elif data.round == 'reminder' %}This request still waits for your approval.\n"
        "{% else %}A request waits for your approval.\n{% endif %}\n"
        "Subject: " + _SUBJECT + "\n"
        "{% if amount %}Amount: {{ amount }}\n{% endif %}"
        "Category: {{ data.category or '-' }}\n"
        "{% if data.round != 'escalation' %}Next step if undecided: {{ data.due_at | when }}\n"
        "{% endif %}\n" + _EN_LINKS,
    ),
    ("ticket.approval_requested", "zh"): (
        "{% if data.round == 'reminder' %}提醒：待审批"
        "{% elif data.round == 'escalation' %}升级：审批已超时"
        "{% else %}待审批{% endif %}：" + _SUBJECT,
        "{% if approver.name %}{{ approver.name }}，您好：\n\n{% endif %}"
        "{% if data.round == 'escalation' %}此请求未能按时审批，您作为升级联系人，请尽快处理。\n"
        "{% elif data.round == 'reminder' %}此请求仍在等待您的审批。\n"
        "{% else %}有一个请求等待您的审批。\n{% endif %}\n"
        "主题：" + _SUBJECT + "\n"
        "{% if amount %}金额：{{ amount }}\n{% endif %}"
        "类别：{{ data.category or '-' }}\n"
        "{% if data.round != 'escalation' %}如未审批，下一步时间：{{ data.due_at | when }}\n"
        "{% endif %}\n" + _ZH_LINKS,
    ),
}
