"""Bad input to the problem API is a 422 naming the field; unknown problems are 404."""

import uuid

import httpx
import pytest

from tests.integration.knowledge.problem_steps import PRINTER, new_problem


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**PRINTER, "title": "   "}, "title"),
        ({**PRINTER, "title": ""}, "title"),
        ({k: v for k, v in PRINTER.items() if k != "language"}, "language"),
        ({**PRINTER, "language": "中文"}, "language"),
        ({**PRINTER, "colour": "红"}, "colour"),
        ({**PRINTER, "title": "打" * 301}, "title"),
    ],
)
async def test_a_bad_new_problem_names_the_field(
    api: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    response = await api.post("/problems", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_bad_declarations_resolutions_and_links_name_the_field(
    api: httpx.AsyncClient,
) -> None:
    path = f"/problems/{(await new_problem(api))['problem_id']}"
    cases = [
        (await api.post(f"{path}/known-error", json={"root_cause": "原因"}), "workaround"),
        (await api.post(f"{path}/known-error", json={"workaround": " "}), "workaround"),
        (await api.post(f"{path}/resolve", json={}), "permanent_fix"),
        (await api.post(f"{path}/tickets", json={"ticket_id": "不是编号"}), "ticket_id"),
        (await api.patch(path, json={"title": None}), "title"),
        (await api.patch(path, json={"version": 3}), "version"),
        (await api.patch(path, json={}, headers={"If-Match": "3"}), "header:If-Match"),
        (await api.get("/problems", params={"status": "gone"}), "query:status"),
        (await api.get("/known-errors", params={"limit": 0}), "query:limit"),
    ]
    assert [(r.status_code, r.json()["errors"][0]["field"]) for r, _ in cases] == [
        (422, field) for _, field in cases
    ]
    assert (await api.get(path)).json()["version"] == 1


async def test_unknown_problems_are_404(api: httpx.AsyncClient) -> None:
    path = f"/problems/{uuid.uuid4()}"
    answers = [
        await api.get(path),
        await api.patch(path, json={"title": "新标题"}),
        await api.post(f"{path}/known-error", json={"workaround": "重启"}),
        await api.post(f"{path}/resolve", json={"permanent_fix": "修好了"}),
    ]
    assert [a.status_code for a in answers] == [404] * 4
    assert "not found" in answers[0].json()["detail"]
    assert (await api.get("/problems/not-a-uuid")).status_code == 422
