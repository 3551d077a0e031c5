"""`klarsvar serve`, `klarsvar demo` and `klarsvar chat`."""

from __future__ import annotations

import sys

import typer

from klarsvar.cli.common import open_database
from klarsvar.config import Settings
from klarsvar.core.logging import configure_logging

# Console accounts of the demo (printed at start; reset on every `klarsvar demo`).
DEMO_ACCOUNTS = (
    ("agent", "lumo-agent-demo", "agent", "Alex Agent"),
    ("supervisor", "lumo-supervisor-demo", "supervisor", "Sam Supervisor"),
    ("admin", "lumo-admin-demo", "admin", "Ada Admin"),
)


def _serve(host: str, port: int, workers: int) -> None:
    import uvicorn

    settings = Settings.from_env()
    configure_logging(settings.log_level)
    if workers > 1:
        uvicorn.run("klarsvar.web.main:app", host=host, port=port, workers=workers, log_config=None,
                    access_log=False)
    else:
        from klarsvar.web.main import build_app

        uvicorn.run(build_app(), host=host, port=port, log_config=None, access_log=False)


def serve(
    port: int = typer.Option(8000, "--port", "-p", help="TCP port."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, max=16, help="Server processes (use PostgreSQL and Redis for more than one)."),
) -> None:
    """Serve the chat API (and pages) with the database in KLARSVAR_DATABASE_URL."""
    open_database().dispose()
    _serve(host, port, workers)


def demo(
    port: int = typer.Option(8000, "--port", "-p", help="TCP port."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Prepare the demo and exit."),
) -> None:
    """Build the Lumo demo world and its help centre, then serve it (embedded default: SQLite, no network)."""
    from klarsvar.analytics.demo_history import seed_history, seed_live_queue
    from klarsvar.conversation.engine import tool_registry
    from klarsvar.core.clock import clock_from_setting
    from klarsvar.knowledge.base import KnowledgeBase
    from klarsvar.people.service import PeopleService
    from klarsvar.runtime import HELPCENTRE
    from klarsvar.world.reset import reset_world

    settings = Settings.from_env()
    db = open_database(settings)
    with db.session() as session:
        stats = reset_world(session)
    typer.echo(f"demo world: {stats.customers} customers, {stats.merchants} merchants, {stats.orders} orders, "
               f"{stats.cards} cards")
    report = KnowledgeBase(db).ingest_dir(HELPCENTRE)
    summary = report.to_json()
    typer.echo(f"help centre: {summary['added'] + summary['updated'] + summary['unchanged']} documents "
               f"({summary['added']} new) in {report.seconds:.1f} s")
    now = clock_from_setting(settings.clock).now()
    people = PeopleService(db)
    for username, password, role, name in DEMO_ACCOUNTS:
        people.ensure_user(username, password, role, name)
    history = seed_history(db, now)
    queued = seed_live_queue(db, tool_registry(), now)
    typer.echo(f"dashboard:  {history.conversations} conversations of the last 30 days "
               f"({history.handoffs} handed over, {history.csat} survey answers); {queued} chats waiting for a person")
    db.dispose()
    accounts = "\n".join(f"              {role:<10}  user {username!r:<13} password {password!r}"
                          for username, password, role, _name in DEMO_ACCOUNTS)
    typer.echo(
        "\nklarsvar demo — Lumo\n"
        f"  shop + chat widget: http://{host}:{port}/\n"
        f"  agent console:      http://{host}:{port}/console   (dashboard: /console/dashboard)\n"
        f"  console accounts (demo only):\n{accounts}\n"
        f"  chat API:   http://{host}:{port}/api  (OpenAPI: http://{host}:{port}/docs)\n"
        "  customers:  anna.svensson@example.se, lukas.meyer@example.de, emma.johnson@example.com,\n"
        "              camille.dubois@example.fr, javier.garcia@example.es, wei.zhang@example.com\n"
        "  terminal:   klarsvar chat --as anna.svensson@example.se\n"
    )
    if not no_serve:
        _serve(host, port, 1)


def chat(
    as_email: str | None = typer.Option(None, "--as", help="Sign in as this customer (email); anonymous without."),
) -> None:
    """Chat with the assistant in the terminal (type 'quit' to leave)."""
    from klarsvar.accounts.repository import AccountsRepository
    from klarsvar.conversation.engine import EngineError
    from klarsvar.runtime import build_runtime

    settings = Settings.from_env()
    configure_logging("WARNING")
    open_database(settings).dispose()
    rt = build_runtime(settings)
    customer_id = None
    if as_email:
        with rt.db.session() as session:
            customer = AccountsRepository(session).customer_by_email(as_email)
        if customer is None:
            typer.secho(f"error: no customer with the email {as_email!r} (try `klarsvar world reset`)", fg="red",
                        err=True)
            raise typer.Exit(2)
        customer_id = customer.id
        typer.echo(f"Signed in as {customer.name} ({customer.id}).")
    conv = rt.engine.start(customer_id=customer_id, channel="terminal")
    typer.echo("Type your message (quit to leave).")
    while True:
        try:
            text = input("you> ")
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            break
        if text.strip().lower() in ("quit", "exit", ":q"):
            break
        if not text.strip():
            continue
        try:
            result = rt.engine.handle(conv.id, text)
        except EngineError as exc:
            typer.secho(f"[{exc.message}]", fg="yellow")
            continue
        for message in result.replies:
            label = "lumo (AI)" if message.author.value == "ai" else message.author.value
            typer.echo(f"{label}> {message.text}")
        for action in result.actions:
            mark = "done" if action.ok else "refused"
            typer.secho(f"   [{mark}: {action.name}]", fg="green" if action.ok else "yellow")
        if result.demo_code:
            typer.secho(f"   [demo: the one-time code is {result.demo_code}]", fg="cyan")
        if result.mode == "human" and not result.replies:
            typer.secho("   [a person will reply here]", fg="cyan")
    sys.stdout.flush()
