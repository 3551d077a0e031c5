"""`klarsvar`: demo, serve, chat, world, kb, eval."""

from __future__ import annotations

import typer

from klarsvar.cli import kb, world

app = typer.Typer(
    name="klarsvar",
    help="klarsvar — an AI customer-service assistant: grounded answers, real actions, a person one message away.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(world.app, name="world")
app.add_typer(kb.app, name="kb")


def main() -> None:
    app()
