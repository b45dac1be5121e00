"""Intake's catalogue and credentials walk to their end in small pages, each item once."""

import pytest

from tests.integration.intake.conftest import IntakeApi
from tests.integration.paging import assert_bad_cursor_refused, walk_pages

pytestmark = pytest.mark.integration


async def test_categories_and_credentials_walk_to_the_end(api: IntakeApi) -> None:
    for n in range(5):
        await api.key("agent", f"walker-{n}")
    async with api.admin as admin:
        for n in range(5):
            made = await admin.put(f"/categories/walk-{n}", json={"name": f"类别 {n}"})
            assert made.status_code in (200, 201), made.text
        categories = await walk_pages(admin, "/categories", key=lambda c: c["key"])
        assert [c["key"] for c in categories] == sorted(c["key"] for c in categories)
        assert {f"walk-{n}" for n in range(5)} <= {c["key"] for c in categories}
        keys = await walk_pages(admin, "/credentials", key=lambda c: c["id"])
        assert {f"walker-{n}" for n in range(5)} <= {c["subject"] for c in keys}
        await assert_bad_cursor_refused(admin, "/categories")
        await assert_bad_cursor_refused(admin, "/credentials")
