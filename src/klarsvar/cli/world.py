"""`klarsvar world reset`: rebuild the Lumo demo world."""

from __future__ import annotations

import json

import typer

from klarsvar.cli.common import open_database
from klarsvar.world.generator import SEED
from klarsvar.world.reset import reset_world

app = typer.Typer(help="The Lumo demo world.", no_args_is_help=True)


@app.command("reset")
def reset(seed: int = typer.Option(SEED, help="Seed of the generator (same seed, same world).")) -> None:
    """Wipe the database and rebuild the demo world (fixed entities + generated ones)."""
    db = open_database()
    with db.session() as session:
        stats = reset_world(session, seed=seed)
    typer.echo(json.dumps({"world": "lumo", "seed": seed, **stats.to_json()}))
