"""The pages people use: the Lumo demo shop with the chat widget, the widget itself (iframe),
the agent console and its sign-in, and the supervisors' dashboard. Plain HTML, CSS and JS
files (templates/, static/); no build step."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from pathlib import Path
from string import Template
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from klarsvar.analytics.service import Analytics
from klarsvar.i18n.catalog import RTL, messages, supported_language, template
from klarsvar.people.models import Role
from klarsvar.web import dashboard as dashboard_page
from klarsvar.web.chat import RuntimeDep
from klarsvar.web.security import SESSION_COOKIE, current_session

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

router = APIRouter(include_in_schema=False)

_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "frame-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors {ancestors}")


@lru_cache(maxsize=32)
def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def page(name: str, *, embeddable: bool = False, status: int = 200, **values: str) -> HTMLResponse:
    """A template with `$name` placeholders filled by `values` (which must already be HTML)."""
    html = _template(name).safe_substitute(values)
    headers = {
        "Content-Security-Policy": _CSP.format(ancestors="*" if embeddable else "'self'"),
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }
    if not embeddable:
        headers["X-Frame-Options"] = "SAMEORIGIN"
    return HTMLResponse(html, status_code=status, headers=headers)


def _to_login(request: Request, next_path: str) -> RedirectResponse:
    reason = "&reason=expired" if request.cookies.get(SESSION_COOKIE) else ""
    return RedirectResponse(f"/console/login?next={quote(next_path)}{reason}", status_code=303)


@router.get("/")
def shop() -> HTMLResponse:
    return page("shop.html")


@router.get("/widget")
def widget() -> HTMLResponse:
    return page("widget.html", embeddable=True)


@router.get("/widget/labels")
def widget_labels(lang: str = Query("en", max_length=35)) -> JSONResponse:
    """The widget's own labels in a language (from the catalogues' `widget.*` messages), its direction,
    and the source line, so that the widget speaks the conversation's language."""
    language = supported_language(lang)
    labels = messages("widget.", language)
    labels["source"] = template("source_line", language)[0]
    body = {"language": language, "dir": "rtl" if language in RTL else "ltr", "labels": labels}
    return JSONResponse(body, headers={"Cache-Control": "public, max-age=300"})


@router.get("/widget.js")
def widget_loader() -> FileResponse:
    return FileResponse(STATIC / "widget.js", media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"})


@router.get("/console/login")
def login() -> HTMLResponse:
    return page("login.html")


@router.get("/console", response_model=None)
def console(request: Request) -> Response:
    session = current_session(request)
    if session is None:
        return _to_login(request, "/console")
    return page("console.html")


@router.get("/console/dashboard", response_model=None)
async def dashboard(request: Request, rt: RuntimeDep,
                    days: int = Query(30, ge=1, le=366)) -> Response:
    session = await run_in_threadpool(current_session, request)
    if session is None:
        return _to_login(request, f"/console/dashboard?days={days}")
    user = escape(session.user.display_name)
    if not session.user.can(Role.SUPERVISOR):
        content = ('<section class="card wide"><h2>Supervisors only</h2><p>The dashboard is for supervisors '
                   'and admins. <a href="/console">Back to the console</a>.</p></section>')
        return page("dashboard.html", status=403, content=content, user=user)
    data = await run_in_threadpool(Analytics(rt.db, rt.clock).dashboard, days)
    content = dashboard_page.render(data, days, session.user.display_name, session.user.role.value)
    return page("dashboard.html", content=content, user=user)
