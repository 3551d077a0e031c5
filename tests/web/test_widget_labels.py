"""The widget's own labels come from the catalogues, in the conversation's language, with its direction."""

from __future__ import annotations

from klarsvar.i18n.catalog import messages
from web.conftest import Api


def test_labels_in_arabic_are_right_to_left(api: Api) -> None:
    response = api.client.get("/widget/labels", params={"lang": "ar"})
    assert response.status_code == 200
    body = response.json()
    assert body["language"] == "ar" and body["dir"] == "rtl"
    assert body["labels"]["talk_to_person"] == messages("widget.", "ar")["talk_to_person"]
    assert body["labels"]["source"].startswith("المصدر")
    assert set(body["labels"]) >= {"placeholder", "send", "author_ai", "author_human", "survey_title", "person_request"}


def test_labels_follow_the_language_and_fall_back_to_english(api: Api) -> None:
    german = api.client.get("/widget/labels", params={"lang": "de-AT"}).json()
    assert german["language"] == "de" and german["dir"] == "ltr"
    assert german["labels"]["send"] == "Senden"
    unknown = api.client.get("/widget/labels", params={"lang": "tlh"}).json()
    assert unknown["language"] == "en" and unknown["labels"]["send"] == "Send"
    assert api.client.get("/widget/labels", params={"lang": "x" * 100}).status_code in (413, 422)


def test_the_widget_page_marks_its_labels_and_lets_the_input_find_its_direction(api: Api) -> None:
    page = api.client.get("/widget").text
    assert 'data-l10n-placeholder="placeholder"' in page
    assert 'id="kw-input"' in page and 'dir="auto"' in page
