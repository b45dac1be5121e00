# ruff: noqa: RUF001
"""The console's words in English and Chinese: one key per label, every key in both languages."""

from typing import Literal

from ticketflow_console.domain.catalogue_lead import MESSAGES_LEAD

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")
DEFAULT_LANGUAGE: Language = "en"

MESSAGES: dict[Language, dict[str, str]] = {
    "en": {
        "app.name": "Ticketflow console",
        "nav.skip": "Skip to main content",
        "nav.queue": "My queue",
        "nav.sign_out": "Sign out",
        "nav.signed_in_as": "Signed in as",
        "prefs.title": "Preferences",
        "prefs.language": "Language",
        "prefs.time_zone": "Time zone",
        "prefs.save": "Save preferences",
        "sign_in.title": "Sign in",
        "sign_in.api_key": "Identity API key",
        "sign_in.api_key_help": "Your key (tfid_…) is exchanged for an access token and not kept.",
        "sign_in.submit": "Sign in",
        "sign_in.refused": "Identity refused this key.",
        "sign_in.unavailable": "Identity did not answer; try again shortly.",
        "sign_in.oidc_note": (
            "Single sign-on needs a provider's token; sign in with an API key here."
        ),
        "queue.title": "My queue",
        "queue.empty": "No open tickets are assigned to you.",
        "queue.no_agent": "Your sign-in is not linked to a routing agent, so no queue is yours.",
        "queue.live": "New and reassigned tickets appear here as they happen.",
        "queue.subject": "Subject",
        "queue.priority": "Priority",
        "queue.status": "Status",
        "queue.deadline": "Next deadline",
        "queue.time_left": "Time left",
        "queue.no_deadline": "No running clock",
        "queue.overdue": "overdue",
        "queue.pages": "Pages of the queue",
        "queue.previous_page": "More urgent",
        "queue.next_page": "Less urgent",
        "agent.status": "My agent status",
        "agent.status_set": "Set status",
        "agent.online": "Online",
        "agent.away": "Away",
        "agent.offline": "Offline",
        "ticket.conversation": "Conversation",
        "ticket.notes": "Internal notes",
        "ticket.timeline": "Timeline",
        "ticket.sla": "SLA clocks",
        "ticket.routing": "Why it was routed here",
        "ticket.suggestions": "Knowledge suggestions",
        "ticket.actions": "Actions",
        "ticket.requester": "Requester",
        "ticket.team": "Team",
        "ticket.owner": "Owner",
        "ticket.unassigned": "Unassigned",
        "ticket.no_comments": "No replies yet.",
        "ticket.no_notes": "No internal notes.",
        "ticket.no_clocks": "No SLA clock.",
        "ticket.no_decisions": "No routing decision yet.",
        "ticket.no_suggestions": "No suggestions.",
        "ticket.unavailable": "Not available",
        "ticket.reply": "Public reply",
        "ticket.reply_submit": "Send reply",
        "ticket.note": "Internal note",
        "ticket.note_submit": "Add note",
        "ticket.status": "New status",
        "ticket.status_submit": "Change status",
        "ticket.reason": "Reason",
        "ticket.transfer_team": "Transfer to team",
        "ticket.transfer_submit": "Transfer",
        "ticket.escalate_submit": "Escalate",
        "ticket.macro": "Macro",
        "ticket.macro_submit": "Apply macro",
        "ticket.no_macros": "No macros.",
        "ticket.done": "Done.",
        "clock.metric": "Metric",
        "clock.state": "State",
        "clock.due": "Due",
        "clock.policy": "Policy",
        "shortcuts.title": "Keyboard shortcuts",
        "shortcuts.queue": "g then q: my queue",
        "shortcuts.next": "j / k: next / previous ticket in the queue",
        "shortcuts.open": "Enter: open the focused ticket",
        "shortcuts.reply": "r: write a reply (on a ticket)",
        "error.title": "Something went wrong",
        "error.refused": "The service refused this",
        "error.csrf": "This form expired; reload the page and try again.",
        "error.not_found": "Not found, or not yours to see.",
    },
    "zh": {
        "app.name": "Ticketflow 控制台",
        "nav.skip": "跳到主要内容",
        "nav.queue": "我的队列",
        "nav.sign_out": "退出登录",
        "nav.signed_in_as": "当前用户",
        "prefs.title": "偏好设置",
        "prefs.language": "语言",
        "prefs.time_zone": "时区",
        "prefs.save": "保存偏好",
        "sign_in.title": "登录",
        "sign_in.api_key": "身份 API 密钥",
        "sign_in.api_key_help": "您的密钥（tfid_…）仅用于换取访问令牌，不会被保存。",
        "sign_in.submit": "登录",
        "sign_in.refused": "身份服务拒绝了此密钥。",
        "sign_in.unavailable": "身份服务没有响应，请稍后再试。",
        "sign_in.oidc_note": "单点登录需要身份提供方的令牌；此处请使用 API 密钥登录。",
        "queue.title": "我的队列",
        "queue.empty": "没有分配给您的未结工单。",
        "queue.no_agent": "您的登录未关联路由坐席，因此没有属于您的队列。",
        "queue.live": "新分配和转派的工单会实时出现在这里。",
        "queue.subject": "主题",
        "queue.priority": "优先级",
        "queue.status": "状态",
        "queue.deadline": "下一个截止时间",
        "queue.time_left": "剩余时间",
        "queue.no_deadline": "没有运行中的计时",
        "queue.overdue": "已超时",
        "queue.pages": "队列分页",
        "queue.previous_page": "更紧急",
        "queue.next_page": "较不紧急",
        "agent.status": "我的坐席状态",
        "agent.status_set": "设置状态",
        "agent.online": "在线",
        "agent.away": "离开",
        "agent.offline": "离线",
        "ticket.conversation": "对话",
        "ticket.notes": "内部备注",
        "ticket.timeline": "时间线",
        "ticket.sla": "SLA 计时",
        "ticket.routing": "分派原因",
        "ticket.suggestions": "知识推荐",
        "ticket.actions": "操作",
        "ticket.requester": "提交人",
        "ticket.team": "团队",
        "ticket.owner": "负责人",
        "ticket.unassigned": "未分配",
        "ticket.no_comments": "还没有回复。",
        "ticket.no_notes": "没有内部备注。",
        "ticket.no_clocks": "没有 SLA 计时。",
        "ticket.no_decisions": "还没有分派决定。",
        "ticket.no_suggestions": "没有推荐。",
        "ticket.unavailable": "暂不可用",
        "ticket.reply": "公开回复",
        "ticket.reply_submit": "发送回复",
        "ticket.note": "内部备注",
        "ticket.note_submit": "添加备注",
        "ticket.status": "新状态",
        "ticket.status_submit": "更改状态",
        "ticket.reason": "原因",
        "ticket.transfer_team": "转给团队",
        "ticket.transfer_submit": "转派",
        "ticket.escalate_submit": "升级",
        "ticket.macro": "宏",
        "ticket.macro_submit": "应用宏",
        "ticket.no_macros": "没有宏。",
        "ticket.done": "已完成。",
        "clock.metric": "指标",
        "clock.state": "状态",
        "clock.due": "截止",
        "clock.policy": "策略",
        "shortcuts.title": "键盘快捷键",
        "shortcuts.queue": "先按 g 再按 q：我的队列",
        "shortcuts.next": "j / k：队列中的下一个 / 上一个工单",
        "shortcuts.open": "Enter：打开当前工单",
        "shortcuts.reply": "r：撰写回复（在工单页）",
        "error.title": "出错了",
        "error.refused": "服务拒绝了此操作",
        "error.csrf": "此表单已过期，请刷新页面后重试。",
        "error.not_found": "未找到，或您无权查看。",
    },
}
MESSAGES = {language: {**words, **MESSAGES_LEAD[language]} for language, words in MESSAGES.items()}


def language_of(*, chosen: str | None, accept_language: str | None) -> Language:
    """The user's choice if it is one we speak, else the first spoken in Accept-Language."""
    if chosen in LANGUAGES:
        return chosen
    for tag in _ranked_tags(accept_language or ""):
        primary = tag.split("-")[0]
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def translate(language: Language, key: str) -> str:
    """The message in `language`; a missing key is shown as itself so it is noticed."""
    return MESSAGES[language].get(key, key)


def _ranked_tags(header: str) -> list[str]:
    """Accept-Language tags, highest weight first (RFC 9110 12.5.4), lower-cased."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag and weight > 0:
            ranked.append((-weight, position, tag.strip().lower()))
    return [tag for _, _, tag in sorted(ranked)]
