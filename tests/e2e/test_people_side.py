"""The people's side in a real browser: the customer's widget on the demo shop, the agent
console and the supervisors' dashboard, end to end."""

from __future__ import annotations

import contextlib
import re

from playwright.sync_api import Browser, FrameLocator, Page, expect
from playwright.sync_api import Error as PlaywrightError

from e2e.conftest import Site, shot, sign_in

MARKUP = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> <b>bold?</b>'


def open_widget(page: Page, site: Site) -> FrameLocator:
    page.goto(site.url("/"))
    page.click(".klarsvar-launcher")
    widget = page.frame_locator(".klarsvar-frame iframe")
    expect(widget.locator("#kw-input")).to_be_visible()
    return widget


def say(widget: FrameLocator, text: str) -> None:
    widget.locator("#kw-input").fill(text)
    widget.locator("#kw-input").press("Enter")


def test_handover_to_a_person_and_back_then_the_survey_on_the_dashboard(browser: Browser, site: Site) -> None:
    customer = browser.new_context(viewport={"width": 1280, "height": 820})
    shop = customer.new_page()
    shop.goto(site.url("/"))
    shop.select_option("#demo-customer", "emma.johnson@example.com")  # signed-in mode
    widget = shop.frame_locator(".klarsvar-frame iframe")
    expect(widget.locator("#kw-who")).to_have_text("Signed in: Emma Johnson")

    # The customer asks for a person with the button that is always there.
    person = widget.locator("#kw-person")
    expect(person).to_be_visible()
    person.click()
    handover = widget.locator(".kw-ai[data-seq]").last
    expect(handover).to_contain_text("handing you over to a person")
    expect(handover.locator(".kw-badge-ai")).to_have_text("AI")
    expect(person).to_have_text("With a person")

    # The chat appears in the console, live, with the customer, their orders and the AI's actions.
    agent_context = browser.new_context(viewport={"width": 1440, "height": 900})
    console = agent_context.new_page()
    sign_in(console, site.base_url, "ada")
    item = console.locator(".queue-item", has_text="Emma Johnson")
    expect(item).to_be_visible()
    expect(item).to_contain_text("customer_request")
    item.click()
    expect(console.locator("#customer")).to_contain_text("emma.johnson@example.com")
    expect(console.locator("#orders li").first).to_contain_text("O-")
    expect(console.locator("#actions")).to_contain_text("handoff")
    expect(console.locator("#summary")).to_contain_text("customer_request")
    expect(console.locator("#passages li").first).to_be_visible()  # the copilot has read the help centre
    console.click("#take")
    expect(console.locator("#composer")).to_be_visible()
    console.fill("#reply", "Hi Emma, I'm Ada from the Lumo team. I can see your orders here — how can I help?")
    console.click("#send")

    # The widget shows the reply live, marked as written by a person.
    human = widget.locator(".kw-human")
    expect(human).to_contain_text("I'm Ada from the Lumo team")
    expect(human.locator(".kw-badge-human")).to_have_text("Person")
    expect(widget.locator(".kw-note", has_text="A person from the Lumo team has joined")).to_be_visible()

    # While a person has the chat, the customer's messages reach the console and the AI stays silent.
    ai_before = widget.locator(".kw-ai").count()
    say(widget, "Thanks! Can you check my late fee?")
    expect(console.locator(".msg.customer", has_text="Can you check my late fee?")).to_be_visible()
    expect(console.locator("#suggestion")).not_to_have_value("")
    console.click("#use-suggestion")
    expect(console.locator("#reply")).not_to_have_value("")
    console.fill("#reply", "Of course — one moment while I look at it.")
    console.click("#send")
    expect(widget.locator(".kw-human")).to_have_count(2)
    assert widget.locator(".kw-ai").count() == ai_before
    expect(item.locator(".tag", has_text="new")).to_have_count(0)  # the queue knows the customer was answered
    console.locator(".side").evaluate("side => { side.scrollTop = 0; }")
    shot(shop, "widget.png")
    shot(console, "console.png")

    # The agent hands back; the AI answers again.
    console.click("#handback")
    expect(widget.locator(".kw-note", has_text="AI assistant again")).to_be_visible()
    expect(person).to_have_text("Talk to a person")
    expect(widget.locator(".kw-ai").last).to_contain_text("back with Lumo's AI assistant")
    ai_before = widget.locator(".kw-ai").count()
    say(widget, "When is my next payment?")
    expect(widget.locator(".kw-ai")).to_have_count(ai_before + 1)
    answer = widget.locator(".kw-msg[data-seq]").last
    expect(answer).to_have_attribute("data-author", "ai")
    expect(answer.locator(".kw-badge-ai")).to_have_text("AI")

    # The customer ends the chat and answers the survey.
    widget.locator("#kw-end").click()
    expect(widget.locator("#kw-survey")).to_be_visible()
    widget.locator('.kw-score[data-score="4"]').click()
    widget.locator("#kw-comment").fill("Ada sorted it out <b>fast</b>")
    widget.locator("#kw-rate").click()
    expect(widget.locator("#kw-thanks")).to_be_visible()

    # The answer shows up on the supervisors' dashboard.
    supervisor = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    sign_in(supervisor, site.base_url, "sam")
    supervisor.goto(site.url("/console/dashboard"))
    latest = supervisor.locator('[data-testid="recent-csat"] tbody tr').first
    expect(latest).to_contain_text("Ada sorted it out <b>fast</b>")
    expect(latest).to_contain_text("Person")
    expect(latest.locator("td").first).to_have_text("4")
    expect(supervisor.locator('[data-testid="kpi-csat-people"]')).to_contain_text("/ 5")
    expect(supervisor.locator("svg.chart").first).to_be_visible()
    shot(supervisor, "dashboard.png", full_page=True)
    for context in (customer, agent_context, supervisor.context):
        context.close()


def test_markup_from_customers_and_agents_is_shown_as_text(browser: Browser, site: Site) -> None:
    customer = browser.new_context()
    shop = customer.new_page()
    widget = open_widget(shop, site)  # anonymous mode
    say(widget, MARKUP)
    mine = widget.locator(".kw-customer[data-seq] .kw-text").first
    expect(mine).to_have_text(MARKUP)
    widget.locator("#kw-person").click()
    expect(widget.locator(".kw-ai[data-seq]").last).to_contain_text("handing you over")

    agent = browser.new_context().new_page()
    sign_in(agent, site.base_url, "ada")
    item = agent.locator(".queue-item", has_text="Guest").first
    expect(item.locator(".last")).to_have_text(re.compile(re.escape("talk to a person")))
    item.click()
    expect(agent.locator(".msg.customer .text").first).to_have_text(MARKUP)
    agent.click("#take")
    agent.fill("#reply", "<img src=y onerror=\"window.__pwned = 3\">Hello from <i>Ada</i>")
    agent.click("#send")
    expect(widget.locator(".kw-human .kw-text")).to_have_text("<img src=y onerror=\"window.__pwned = 3\">Hello from "
                                                               "<i>Ada</i>")

    frame = next(f for f in shop.frames if f.url.endswith("/widget"))
    for page_or_frame in (frame, agent):
        assert page_or_frame.evaluate("window.__pwned") is None
        assert page_or_frame.locator("img, b, i, script:not([src])").count() == 0

    # The agent closes the chat: the customer is asked for the survey.
    agent.click("#close")
    expect(widget.locator(".kw-note", has_text="The Lumo team closed the chat.")).to_be_visible()
    expect(widget.locator("#kw-survey")).to_be_visible()
    expect(widget.locator("#kw-form")).to_be_hidden()
    expect(agent.locator(".queue-item")).to_have_count(0)
    agent.context.close()
    customer.close()


def test_a_wrong_password_and_an_expired_session_are_refused(browser: Browser, site: Site) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.url("/console"))
    expect(page).to_have_url(re.compile(r"/console/login\?next=/console$"))
    page.fill("#username", "ada")
    page.fill("#password", "not-the-password")
    page.click("#login-submit")
    expect(page.locator("#login-error")).to_have_text("Wrong username or password.")
    expect(page).to_have_url(re.compile("/console/login"))
    assert not [c for c in context.cookies() if c["name"] == "klarsvar_session"]

    page.fill("#password", "ada-password-1")
    page.click("#login-submit")
    expect(page.locator("#me")).to_contain_text("Ada Agent")
    session = next(c for c in context.cookies() if c["name"] == "klarsvar_session")
    assert session["httpOnly"] and session["sameSite"] == "Strict"

    site.people.expire_session(session["value"])
    assert context.request.get(site.url("/api/console/queue")).status == 401
    # The console's live poll may see the 401 first and already be on its way to the sign-in page.
    with contextlib.suppress(PlaywrightError):
        page.reload()
    # The server's redirect and the console's own one order the query differently; both land here.
    expect(page).to_have_url(re.compile(r"/console/login\?(?=.*\breason=expired\b)(?=.*\bnext=(?:/|%2F)console\b)"))
    expect(page.locator("#login-reason")).to_have_text("Your session has ended. Please sign in again.")
    context.close()


def test_a_phone_sized_widget_with_right_to_left_languages(browser: Browser, site: Site) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    widget = open_widget(page, site)
    box = page.locator(".klarsvar-frame").bounding_box()
    assert box is not None and box["width"] >= 389 and box["height"] >= 843  # the whole screen
    expect(widget.locator("#kw-person")).to_be_visible()

    say(widget, "مرحبا، كيف يعمل الدفع على أربع دفعات؟")
    arabic = widget.locator(".kw-customer[data-seq]").last
    expect(arabic).to_have_attribute("dir", "rtl")
    expect(arabic).to_have_attribute("lang", "ar")
    expect(widget.locator(".kw-ai[data-seq]").last).to_have_attribute("dir", "rtl")
    say(widget, "And how does Pay in 4 work in English?")
    english = widget.locator(".kw-customer[data-seq]").last
    expect(english).to_have_attribute("lang", "en")
    expect(english).to_have_attribute("dir", "auto")
    say(widget, "שלום, אני רוצה לדבר עם נציג")
    hebrew = widget.locator(".kw-customer[data-seq]").last
    expect(hebrew).to_have_attribute("lang", "he")
    expect(hebrew).to_have_attribute("dir", "rtl")
    reply = widget.locator(".kw-ai[data-seq]").last
    expect(reply).to_have_attribute("lang", "he")
    expect(reply).to_have_attribute("dir", "rtl")
    frame = next(f for f in page.frames if f.url.endswith("/widget"))
    assert frame.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "widget-phone.png")
    widget.locator("#kw-close").click()
    expect(page.locator(".klarsvar-frame")).to_be_hidden()
    expect(page.locator(".klarsvar-launcher")).to_be_visible()
    context.close()


def test_messages_written_while_a_reply_streams_are_all_sent_in_order(browser: Browser, site: Site) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 820})
    page = context.new_page()
    widget = open_widget(page, site)
    texts = ["How does Pay in 4 work?", "Is my card ok?", "thanks"]
    for text in texts:  # no waiting for a reply in between
        say(widget, text)
    sent = widget.locator(".kw-customer[data-seq]")
    expect(sent).to_have_count(3)
    expect(widget.locator(".kw-customer.kw-pending")).to_have_count(0)
    assert [t.strip() for t in sent.locator(".kw-text").all_inner_texts()] == texts
    seqs = [int(s) for s in sent.evaluate_all("ns => ns.map(n => n.dataset.seq)")]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    # each question is followed by its own reply: the bubbles stand in the order of their seq
    everything = [int(s) for s in widget.locator(".kw-msg[data-seq]").evaluate_all("ns => ns.map(n => n.dataset.seq)")]
    assert everything == sorted(everything)
    expect(widget.locator("#kw-input")).to_have_value("")
    context.close()
