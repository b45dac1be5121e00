"""Only the conditions asked for, each value a numbered parameter after those given first."""

from ticketflow_common.sql_conditions import SqlConditions


def test_no_condition_is_true() -> None:
    assert SqlConditions().sql() == "true"


def test_values_are_numbered_after_the_leading_parameters() -> None:
    where = SqlConditions(0.5, 50)
    where.add("probability >= $1")
    where.add("team = {}", "网络")
    where.add("(a < {0} OR (a = {0} AND b > {1}))", 3, "x")
    assert where.sql() == "probability >= $1 AND team = $3 AND (a < $4 OR (a = $4 AND b > $5))"
    assert where.params == [0.5, 50, "网络", 3, "x"]


def test_param_returns_the_reference_of_a_value_outside_the_conditions() -> None:
    where = SqlConditions()
    where.add("status = {}", "open")
    assert where.param(10) == "$2"
    assert where.params == ["open", 10]
    assert where.sql() == "status = $1"
