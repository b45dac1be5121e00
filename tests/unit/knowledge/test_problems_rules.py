"""The path a problem takes and what its known error's search row holds, without a database."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from ticketflow_knowledge.domain.problems import (
    FieldRule,
    KnownErrorDeclaration,
    NewProblem,
    Problem,
    ProblemConflict,
    ProblemPatch,
    ProblemResolution,
    check_linkable,
    declared_known_error,
    indexed_known_error,
    new_problem,
    patched,
    resolved,
)
from ticketflow_knowledge.domain.ranking import search_language

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)


def opened() -> Problem:
    new = NewProblem(title="打印机掉线", description="三楼打印机掉线。", language="zh")
    return new_problem(new, problem_id=uuid.uuid4(), created_by="a-1", now=NOW)


def known() -> Problem:
    declaration = KnownErrorDeclaration(root_cause="交换机节能", workaround="重启打印机")
    return declared_known_error(opened(), declaration, now=LATER)


def test_an_open_problem_is_not_indexed_and_a_known_error_is_with_every_text() -> None:
    assert indexed_known_error(opened()) is None
    item = indexed_known_error(known())
    assert item is not None
    assert item.kind == "known_error"
    assert item.live
    assert not item.public
    assert item.body == "三楼打印机掉线。\n\n交换机节能\n\n重启打印机"


def test_the_fix_joins_the_indexed_body_once_resolved() -> None:
    fixed = resolved(
        known(), ProblemResolution(permanent_fix="升级固件"), resolved_by="a-2", now=LATER
    )
    item = indexed_known_error(fixed)
    assert item is not None
    assert item.body.endswith("重启打印机\n\n升级固件")
    assert (fixed.status, fixed.resolved_by, fixed.version) == ("resolved", "a-2", 3)


def test_each_step_happens_once() -> None:
    with pytest.raises(ProblemConflict):
        declared_known_error(known(), KnownErrorDeclaration(workaround="别的"), now=LATER)
    fixed = resolved(opened(), ProblemResolution(permanent_fix="修好"), resolved_by="a", now=NOW)
    with pytest.raises(ProblemConflict):
        resolved(fixed, ProblemResolution(permanent_fix="再修"), resolved_by="a", now=LATER)
    with pytest.raises(ProblemConflict):
        check_linkable(fixed)
    check_linkable(known())


def test_a_patch_keeps_what_a_status_needs() -> None:
    with pytest.raises(FieldRule) as cleared:
        patched(known(), ProblemPatch(workaround=None), now=LATER)
    assert cleared.value.field == "workaround"
    with pytest.raises(FieldRule) as untitled:
        patched(opened(), ProblemPatch(title=None), now=LATER)
    assert untitled.value.field == "title"
    problem = opened()
    assert patched(problem, ProblemPatch(), now=LATER) is problem
    renamed = patched(problem, ProblemPatch(category=None, title="网络打印故障"), now=LATER)
    assert (renamed.title, renamed.category, renamed.version) == ("网络打印故障", None, 2)


def test_blank_text_is_refused() -> None:
    with pytest.raises(ValidationError):
        NewProblem(title="  ", language="zh")
    with pytest.raises(ValidationError):
        KnownErrorDeclaration(workaround="\u3000")


@pytest.mark.parametrize(
    ("q", "language", "expected"),
    [("打印机坏了", None, "zh"), ("printer broken", None, "en"), ("Drucker", "de", "de")],
)
def test_a_search_is_analysed_in_the_language_asked_or_guessed(
    q: str, language: str | None, expected: str
) -> None:
    assert search_language(q, language) == expected
