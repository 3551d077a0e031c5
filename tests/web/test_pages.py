"""The pages: the demo shop with the widget, the widget (embeddable), the console (signed in)."""

from __future__ import annotations

from sqlalchemy import text

from web.conftest import Api


def test_the_shop_embeds_the_widget_with_one_script_tag(api: Api) -> None:
    page = api.client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script src="/widget.js"' in page.text
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_the_widget_can_be_framed_anywhere(api: Api) -> None:
    page = api.client.get("/widget")
    assert page.status_code == 200
    assert "frame-ancestors *" in page.headers["content-security-policy"]
    assert "x-frame-options" not in page.headers
    assert 'role="log"' in page.text and "Talk to a person" in page.text
    loader = api.client.get("/widget.js")
    assert loader.status_code == 200 and loader.headers["content-type"].startswith("text/javascript")
    assert "window.Klarsvar" in loader.text


def test_static_assets(api: Api) -> None:
    for path in ("/static/widget-app.js", "/static/console.js", "/static/widget.css", "/static/dashboard.css",
                 "/static/favicon.svg"):
        response = api.client.get(path)
        assert response.status_code == 200, path
        assert response.headers["x-content-type-options"] == "nosniff"


def test_no_script_writes_html(api: Api) -> None:
    """Customer (and agent) text reaches the page through textContent only."""
    for path in ("/static/widget-app.js", "/static/console.js", "/static/widget.js", "/static/login.js",
                 "/static/shop.js", "/static/nav.js"):
        source = api.client.get(path).text
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in source, (path, sink)


def test_the_console_needs_a_session(api: Api) -> None:
    for path in ("/console", "/console/dashboard"):
        response = api.client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/console/login?next=")
    login = api.client.get("/console/login")
    assert login.status_code == 200 and login.headers["x-frame-options"] == "SAMEORIGIN"


def test_the_dashboard_of_an_empty_database(api: Api) -> None:
    """No conversations yet: every figure is empty, nothing breaks."""
    from klarsvar.analytics.service import Analytics

    with api.runtime.db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM conversations")).scalar() == 0
    data = Analytics(api.runtime.db, api.runtime.clock).dashboard(7)
    assert data["totals"]["conversations"] == 0 and len(data["by_day"]) == 7
    assert data["totals"]["ai_resolution_rate"] is None
