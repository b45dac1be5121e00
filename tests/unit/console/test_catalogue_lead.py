"""Every word of the lead and admin pages exists in English and Chinese, and the catalogue
serves them."""

from ticketflow_console.domain.catalogue import translate
from ticketflow_console.domain.catalogue_lead import MESSAGES_LEAD


def test_every_lead_and_admin_key_is_in_both_languages() -> None:
    assert set(MESSAGES_LEAD["en"]) == set(MESSAGES_LEAD["zh"])
    assert all(MESSAGES_LEAD["zh"].values())


def test_the_catalogue_serves_the_lead_words() -> None:
    assert translate("en", "chart.required") == "Required"
    assert translate("zh", "nav.lead") == "组长"
