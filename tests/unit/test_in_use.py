"""A refused delete names what still uses the object, with counts and the first ids."""

import pytest

from ticketflow_common.in_use import refuse_if_used, usage
from ticketflow_common.problems import ProblemError


def test_nothing_in_use_passes() -> None:
    refuse_if_used("calendar 'x'", [usage("policy", 0, [])])


def test_uses_are_named_with_counts_and_a_sample() -> None:
    with pytest.raises(ProblemError) as caught:
        refuse_if_used(
            "team 'net'",
            [
                usage("agent", 1, ["ann"]),
                usage("open_ticket", 12, range(12)),
                usage("policy", 0, []),
            ],
        )
    problem = caught.value
    assert problem.status == 409
    assert problem.detail == (
        "team 'net' is still used by 1 agent ('ann'); 12 open tickets ('0', '1', '2', '3', '4',"
        " '5', '6', '7', '8', '9' and 2 more); nothing was changed"
    )
    assert [u["kind"] for u in problem.extra["used_by"]] == ["agent", "open_ticket"]
    assert problem.extra["used_by"][1]["count"] == 12
    assert len(problem.extra["used_by"][1]["ids"]) == 10
