"""A WHERE clause built from only the filters asked for, with numbered parameters.

A statement holding only the conditions a request asked for lets Postgres plan each shape on
its own (a generic plan cannot use an index behind `$n IS NULL OR ...`).
"""

from typing import Any


class SqlConditions:
    """Conditions joined by AND and the parameters they reference as `$1`, `$2`, ..."""

    def __init__(self, *params: Any) -> None:
        self.conditions: list[str] = []
        self.params: list[Any] = list(params)

    def param(self, value: Any) -> str:
        """Adds one parameter and returns its reference (`$n`)."""
        self.params.append(value)
        return f"${len(self.params)}"

    def add(self, template: str, *values: Any) -> None:
        """Adds the condition `template`, its `{0}`, `{1}`, ... (or `{}`) replaced by `values`'
        references."""
        self.conditions.append(template.format(*(self.param(v) for v in values)))

    def sql(self) -> str:
        return " AND ".join(self.conditions) if self.conditions else "true"
