"""`klarsvar kb`: knowledge base commands (ingest, search, stats)."""

from __future__ import annotations

import typer

app = typer.Typer(help="The knowledge base.", no_args_is_help=True)
