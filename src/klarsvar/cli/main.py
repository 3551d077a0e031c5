"""`klarsvar`: demo, serve, chat, world, kb, eval."""

from __future__ import annotations

import typer

from klarsvar.cli import eval as eval_cmd
from klarsvar.cli import kb, serve, world

app = typer.Typer(
    name="klarsvar",
    help="klarsvar — an AI customer-service assistant: grounded answers, real actions, a person one message away.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(world.app, name="world")
app.add_typer(kb.app, name="kb")
app.add_typer(eval_cmd.app, name="eval")
app.command("serve")(serve.serve)
app.command("demo")(serve.demo)
app.command("chat")(serve.chat)


def main() -> None:
    app()
