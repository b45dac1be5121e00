"""The made-up desk the demo history is generated for: teams, their shifts, categories, subjects
and the shapes of their demand (pure data, so the generator stays about the simulation)."""

from dataclasses import dataclass
from datetime import time

from ticketflow_common.events.routing import WeeklyShift

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
WEEKEND = ("sat", "sun")

HOURLY_WEIGHTS = (
    0.2, 0.15, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.5, 4.0, 4.6, 4.0,
    2.6, 3.2, 4.2, 4.0, 3.0, 1.8, 1.0, 0.7, 0.6, 0.5, 0.4, 0.3,
)  # fmt: skip
"""Relative arrivals per local hour: a mid-morning and an afternoon peak, quiet nights."""

WEEKDAY_FACTORS = (1.15, 1.05, 1.0, 0.98, 0.87, 0.25, 0.22)
"""Monday to Sunday, relative to an average working day: weekends are a quarter of it."""

HOLIDAY_FACTOR = 0.1
PRIORITY_MIX = (("low", 0.2), ("normal", 0.55), ("high", 0.2), ("urgent", 0.05))
CHANNEL_MIX = (
    ("web", 0.35), ("email", 0.3), ("chat", 0.15), ("app", 0.1), ("phone", 0.07), ("api", 0.03),
)  # fmt: skip
RATING_MIX = ((5, 0.55), (4, 0.28), (3, 0.09), (2, 0.04), (1, 0.04))
FIRST_RESPONSE_SECONDS = {"urgent": 3600.0, "high": 4 * 3600.0, "normal": 8 * 3600.0,
                          "low": 24 * 3600.0}  # fmt: skip
RESOLUTION_SECONDS = {"urgent": 8 * 3600.0, "high": 24 * 3600.0, "normal": 72 * 3600.0,
                      "low": 120 * 3600.0}  # fmt: skip
WARNING_SHARE = 0.75


def shift(days: tuple[str, ...], start: str, end: str) -> WeeklyShift:
    return WeeklyShift.model_validate(
        {"days": list(days), "start": time.fromisoformat(start), "end": time.fromisoformat(end)}
    )


@dataclass(frozen=True)
class Category:
    """A kind of request and what people write when they have it, in English and Chinese."""

    key: str
    subjects_en: tuple[str, ...]
    subjects_zh: tuple[str, ...]


@dataclass(frozen=True)
class TeamProfile:
    """One team of the made-up desk: its demand per average working day, its people's shifts
    (one entry per agent), how long a first answer and a resolution take, and its language."""

    team: str
    name: str
    time_zone: str
    daily_arrivals: float
    agent_shifts: tuple[tuple[WeeklyShift, ...], ...]
    agent_names: tuple[str, ...]
    categories: tuple[Category, ...]
    mean_answer_minutes: float = 20.0
    mean_resolution_hours: float = 4.0
    chinese_share: float = 0.15


_EARLY = (shift(WEEKDAYS, "07:00", "15:00"),)
_LATE = (shift(WEEKDAYS, "11:00", "19:00"),)
_WEEKEND = (shift(WEEKEND, "09:00", "17:00"),)
_OFFICE = (shift(WEEKDAYS, "09:00", "18:00"),)

IT_SUPPORT = TeamProfile(
    team="it-support",
    name="IT support",
    time_zone="UTC",
    daily_arrivals=48,
    agent_shifts=(_EARLY, _EARLY, _EARLY, _LATE, _LATE, _LATE, _WEEKEND),
    agent_names=(
        "Ines Ortega",
        "Tom Becker",
        "Priya Nair",
        "Lars Holm",
        "Mei Lin",
        "Omar Haddad",
        "Sofia Rossi",
    ),
    categories=(
        Category(
            "hardware",
            ("Laptop will not boot", "Docking station not detected", "Monitor flickers"),
            ("笔记本电脑无法开机", "扩展坞无法识别", "显示器闪烁"),
        ),
        Category(
            "accounts",
            ("Password reset for the HR portal", "Locked out of my account", "MFA device lost"),
            ("人事系统密码重置", "账户被锁定", "双重验证设备丢失"),
        ),
        Category(
            "email",
            ("Mailbox full", "Cannot send e-mail from phone", "Shared mailbox access"),
            ("邮箱已满", "手机无法发送邮件", "申请共享邮箱权限"),
        ),
        Category(
            "software",
            ("Install a licence for the design tool", "Office keeps crashing", "VPN client update"),
            ("申请设计软件许可证", "办公软件频繁崩溃", "VPN 客户端更新"),
        ),
    ),
    mean_answer_minutes=25.0,
    mean_resolution_hours=3.0,
)

FACILITIES = TeamProfile(
    team="facilities",
    name="Facilities",
    time_zone="UTC",
    daily_arrivals=16,
    agent_shifts=((shift(WEEKDAYS, "08:00", "16:00"),),) * 2
    + ((shift(WEEKDAYS, "10:00", "18:00"),),),
    agent_names=("Jonas Weber", "Aisha Khan", "Carlos Mendes"),
    categories=(
        Category(
            "printing",
            ("Printer on floor 3 jams", "Out of toner", "Scanner does not send"),
            ("三楼打印机卡纸", "碳粉用完了", "扫描仪无法发送"),
        ),
        Category(
            "building",
            ("Meeting room too cold", "Light broken in the kitchen", "Door badge not working"),
            ("会议室太冷", "厨房灯坏了", "门禁卡失灵"),
        ),
    ),
    mean_answer_minutes=30.0,
    mean_resolution_hours=8.0,
)

FINANCE = TeamProfile(
    team="财务",
    name="财务部",
    time_zone="Asia/Shanghai",
    daily_arrivals=12,
    agent_shifts=(_OFFICE, _OFFICE),
    agent_names=("王芳", "李伟"),
    categories=(
        Category(
            "reimbursement",
            ("Expense claim still pending", "Travel refund missing"),
            ("报销单一直未审批", "差旅费用未到账", "发票报销咨询"),
        ),
        Category(
            "payroll",
            ("Payslip shows the wrong tax", "Bank details change"),
            ("工资条个税有误", "修改工资卡信息", "年终奖发放时间"),
        ),
    ),
    mean_answer_minutes=35.0,
    mean_resolution_hours=6.0,
    chinese_share=0.85,
)

DEFAULT_TEAMS: tuple[TeamProfile, ...] = (IT_SUPPORT, FACILITIES, FINANCE)
