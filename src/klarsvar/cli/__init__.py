"""The `klarsvar` command line (Typer)."""
