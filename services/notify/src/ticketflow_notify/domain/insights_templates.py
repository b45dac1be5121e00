# ruff: noqa: RUF001
"""The shipped mail of insights' events (staffing gaps, reports, tickets at risk) in English and
Chinese; Chinese keeps its full-width punctuation, hence the file-wide noqa. Filters (`span`,
`when`, `figure`...) are in `templates.py`."""

_TICKET = "{{ ticket.subject or event.subject }}"
_TEAM = "{{ data.team_name or data.team }}"
_WINDOW = "{{ data.starts_at | span(data.ends_at) }}"
_FIGURES = (
    "{% for f in data.figures %}| {{ f.name }} | {{ f.value | figure(f.unit) }}"
    " | {{ f.target | figure(f.unit) }} | {{ f.previous | figure(f.unit) }} |\n{% endfor %}"
)
_LINKS = (
    "{% for format, path in data.links | dictsort %}- {{ format | upper }}:"
    " {{ path if '://' in path else insights_url ~ path }}\n{% endfor %}"
)
_ZH_METRIC = (
    "{{ {'first_response': '首次响应', 'next_response': '再次响应', 'resolution': '解决'}"
    "[data.metric] }}"
)
INSIGHTS_SOURCES: dict[tuple[str, str], tuple[str, str]] = {
    ("staffing.gap_forecast", "en"): (
        f"Staffing gap for {_TEAM} {_WINDOW}: {{{{ data.shortfall }}}}"
        " agent{{ 's' if data.shortfall != 1 }} short",
        f"{_TEAM} is forecast to have too few agents on {_WINDOW}.\n\n"
        "Agents required:   {{ data.required_agents }} (the busiest"
        " {{ data.interval_minutes }}-minute interval)\n"
        "Agents scheduled:  {{ data.scheduled_agents }} (the thinnest interval)\n"
        "Short by:          {{ data.shortfall }}\n"
        "Arrivals forecast: {{ data.forecast_arrivals | figure }} in the window\n"
        "Target:            {{ data.service_level_target | percent }} answered within"
        " {{ data.answer_within_seconds | duration }}\n\n"
        "Forecast at {{ data.forecast_at | when }}: add shifts or lend agents to team"
        " {{ data.team }} before the window starts.\n",
    ),
    ("staffing.gap_forecast", "zh"): (
        f"人手缺口：{_TEAM} {_WINDOW} 缺 {{{{ data.shortfall }}}} 人",
        f"预计{_TEAM}在 {_WINDOW} 人手不足。\n\n"
        "需要坐席：{{ data.required_agents }}（最忙的 {{ data.interval_minutes }} 分钟时段）\n"
        "排班坐席：{{ data.scheduled_agents }}（最少的时段）\n"
        "缺口：{{ data.shortfall }} 人\n"
        "预测来单量：{{ data.forecast_arrivals | figure }}\n"
        "服务目标：{{ data.service_level_target | percent }} 在"
        " {{ data.answer_within_seconds | duration }} 内响应\n\n"
        "预测时间 {{ data.forecast_at | when }}：请在时段开始前为团队 {{ data.team }}"
        " 增加排班或调配人员。\n",
    ),
    ("report.published", "en"): (
        "{{ data.title }}",
        "{{ data.title }}\n{{ data.kind | capitalize }} report for"
        " {{ ('team ' ~ data.team) if data.team else 'the whole organisation' }},"
        " {{ data.period_start | day }} to {{ data.period_end | day }}.\n\n"
        "| Figure | Value | Target | Previous |\n| --- | --- | --- | --- |\n"
        f"{_FIGURES}{{% if data.links %}}\nThe full report:\n{_LINKS}{{% endif %}}",
    ),
    ("report.published", "zh"): (
        "{{ data.title }}",
        "{{ data.title }}\n"
        "{{ {'weekly': '周报', 'monthly': '月报', 'quarterly': '季报'}[data.kind] }}："
        "{{ ('团队 ' ~ data.team) if data.team else '全组织' }}，"
        "{{ data.period_start | day }} 至 {{ data.period_end | day }}。\n\n"
        "| 指标 | 数值 | 目标 | 上期 |\n| --- | --- | --- | --- |\n"
        f"{_FIGURES}{{% if data.links %}}\n完整报告：\n{_LINKS}{{% endif %}}",
    ),
    ("sla.at_risk", "en"): (
        f"At risk ({{{{ data.probability | percent }}}}): {_TICKET}",
        "Ticket {{ event.subject }} may miss its {{ data.metric | replace('_', ' ') }} target,"
        " due at {{ data.due_at | when }}: a {{ data.probability | percent }} chance (alert"
        " threshold {{ data.threshold | percent }}).\n"
        "{% if data.reasons %}\nWhy:\n{% for r in data.reasons %}- {{ r }}\n{% endfor %}"
        "{% endif %}",
    ),
    ("sla.at_risk", "zh"): (
        f"SLA 风险（{{{{ data.probability | percent }}}}）：{_TICKET}",
        f"工单 {{{{ event.subject }}}} 的{_ZH_METRIC}目标可能超时"
        "（截止 {{ data.due_at | when }}）：概率 {{ data.probability | percent }}"
        "（提醒阈值 {{ data.threshold | percent }}）。\n"
        "{% if data.reasons %}\n原因：\n{% for r in data.reasons %}- {{ r }}\n{% endfor %}"
        "{% endif %}",
    ),
}
