"""`klarsvar eval scenarios`: run scenario files against the engine."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from klarsvar.config import Settings

app = typer.Typer(help="Evaluation: run scenarios end to end.", no_args_is_help=True)


@app.command("scenarios")
def scenarios(
    paths: list[Path] = typer.Argument(..., help="Scenario YAML files or folders."),
    kb: Path | None = typer.Option(None, "--kb", help="Ingest this folder as the knowledge base instead of Lumo's help centre."),
    json_out: Path | None = typer.Option(None, "--json", help="Write per-scenario results to this JSON file."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print failures and the summary only."),
    min_pass: float = typer.Option(1.0, "--min-pass", min=0.0, max=1.0,
                                   help="Exit 0 when at least this share of scenarios passes (default: all)."),
) -> None:
    """Run every scenario on a fresh copy of the demo world; exit 0 only if all pass."""
    from klarsvar.evaluation.scenarios import ScenarioError, build_runner, load_scenarios

    try:
        loaded = load_scenarios(paths)
    except ScenarioError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from exc
    if kb is not None and not kb.is_dir():
        typer.secho(f"error: --kb {kb}: not a folder", fg="red", err=True)
        raise typer.Exit(2)
    settings = Settings.from_env()
    runner = build_runner(kb, settings.data_dir / "cache", lambda line: typer.secho(line, fg="yellow", err=True))
    template = runner.template
    results = []
    try:
        for scenario in loaded:
            result = runner.run(scenario)
            results.append(result)
            if result.passed and not quiet:
                typer.echo(f"PASS {result.id}")
            elif not result.passed:
                typer.secho(f"FAIL {result.id}: " + "; ".join(result.failures), fg="red")
    finally:
        template.cleanup()
    passed = sum(r.passed for r in results)
    failed = len(results) - passed
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2, default=str),
                            encoding="utf-8")
    typer.echo(f"{passed} passed, {failed} failed")
    share = passed / len(results) if results else 1.0
    raise typer.Exit(0 if share >= min_pass and (failed == 0 or min_pass < 1.0) else 1)
