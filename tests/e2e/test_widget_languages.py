"""The widget speaks the conversation's language: its own labels (placeholder, send, "talk to a
person", author labels…) come from the catalogues and switch with the reply's language, and Arabic
is shown right to left: the page, the reply bubbles, and the input finds its own direction."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from e2e.conftest import Site
from e2e.test_people_side import open_widget, say
from klarsvar.i18n.catalog import messages

AR = messages("widget.", "ar")
EN = messages("widget.", "en")


def test_arabic_turns_the_widget_arabic_and_right_to_left(browser: Browser, site: Site) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 820}, locale="en-GB")
    page = context.new_page()
    widget = open_widget(page, site)
    frame = next(f for f in page.frames if f.url.endswith("/widget"))
    expect(widget.locator("#kw-person")).to_have_text(EN["talk_to_person"])
    expect(widget.locator("html")).to_have_attribute("dir", "ltr")
    expect(widget.locator("#kw-input")).to_have_attribute("dir", "auto")

    say(widget, "مرحبا، كيف يعمل الدفع على أربع دفعات؟")
    reply = widget.locator(".kw-ai[data-seq]").last
    expect(reply).to_have_attribute("lang", "ar")
    expect(reply).to_have_attribute("dir", "rtl")
    assert reply.locator(".kw-text").evaluate("el => getComputedStyle(el).direction") == "rtl"
    # The widget's own words are Arabic now, and the page is right to left.
    expect(widget.locator("html")).to_have_attribute("dir", "rtl")
    expect(widget.locator("html")).to_have_attribute("lang", "ar")
    expect(widget.locator("#kw-person")).to_have_text(AR["talk_to_person"])
    expect(widget.locator("#kw-input")).to_have_attribute("placeholder", AR["placeholder"])
    expect(widget.locator("#kw-input")).to_have_attribute("aria-label", AR["your_message"])
    expect(widget.locator("#kw-send")).to_have_text(AR["send"])
    expect(widget.locator("#kw-end")).to_have_text(AR["end_chat"])
    expect(widget.locator("#kw-sub")).to_have_text(AR["subtitle_ai"])
    expect(widget.locator("#kw-who")).to_have_text(AR["guest"])
    expect(reply.locator(".kw-meta")).to_contain_text(AR["author_ai"])
    expect(widget.locator(".kw-customer[data-seq]").last.locator(".kw-meta")).to_have_text(AR["author_you"])
    # Typing Arabic in the input reads right to left.
    widget.locator("#kw-input").fill("أريد أن أسأل عن طلبي")
    assert widget.locator("#kw-input").evaluate("el => el.matches(':dir(rtl)')")
    widget.locator("#kw-input").fill("")
    assert frame.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The button asks for a person in Arabic, and is understood: a person takes over.
    widget.locator("#kw-person").click()
    asked = widget.locator(".kw-customer[data-seq]").last
    expect(asked.locator(".kw-text")).to_have_text(AR["person_request"])
    expect(asked).to_have_attribute("dir", "rtl")
    expect(widget.locator("#kw-person")).to_have_text(AR["with_person"])
    expect(widget.locator("#kw-person")).to_be_disabled()
    expect(widget.locator("#kw-sub")).to_have_text(AR["subtitle_human"])
    context.close()


def test_the_labels_follow_the_reply_language_back_to_english(browser: Browser, site: Site) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 820}, locale="he-IL")
    page = context.new_page()
    widget = open_widget(page, site)
    he = messages("widget.", "he")
    # The visitor's browser language first: Hebrew, right to left, before anything is written.
    expect(widget.locator("#kw-person")).to_have_text(he["talk_to_person"])
    expect(widget.locator("html")).to_have_attribute("dir", "rtl")

    say(widget, "How does Pay in 4 work?")
    expect(widget.locator(".kw-ai[data-seq]").last).to_have_attribute("lang", "en")
    expect(widget.locator("#kw-person")).to_have_text(EN["talk_to_person"])
    expect(widget.locator("html")).to_have_attribute("dir", "ltr")
    expect(widget.locator("#kw-input")).to_have_attribute("placeholder", EN["placeholder"])
    context.close()
