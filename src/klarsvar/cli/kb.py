"""`klarsvar kb`: knowledge base commands (ingest, search, stats)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from klarsvar.cli.common import open_database

app = typer.Typer(help="The knowledge base.", no_args_is_help=True)


@app.command("ingest")
def ingest(
    directory: Path = typer.Argument(..., help="Folder of Markdown, HTML, PDF, JSON and text documents."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Ingest a folder; only new or changed documents are embedded. Broken files are reported and skipped."""
    from klarsvar.knowledge import KnowledgeBase

    if not directory.is_dir():
        typer.secho(f"error: {directory} is not a folder", fg="red", err=True)
        raise typer.Exit(2)
    kb = KnowledgeBase(open_database())
    state = {"shown": -1}

    def progress(done: int, total: int, doc_id: str) -> None:
        if quiet or total == 0:
            return
        percent = done * 100 // total
        if percent != state["shown"]:
            state["shown"] = percent
            bar = "#" * (percent // 4)
            sys.stderr.write(f"\rembedding [{bar:<25}] {done}/{total} {doc_id[:40]:<40}")
            sys.stderr.flush()
            if done == total:
                sys.stderr.write("\n")

    report = kb.ingest_dir(directory, progress=progress)
    for broken in report.broken:
        typer.secho(f"skipped broken file {broken.path}: {broken.reason}", fg="yellow", err=True)
    typer.echo(json.dumps(report.to_json(), ensure_ascii=False))


@app.command("search")
def search(
    query: str = typer.Argument(..., help="The question."),
    lang: str | None = typer.Option(None, help="Preferred language of the passages (e.g. de)."),
    audience: str = typer.Option("customer", help="customer (default) or internal."),
    k: int = typer.Option(5, help="How many documents."),
    answer: bool = typer.Option(False, "--answer", help="Also print the short grounded answer."),
) -> None:
    """Search the knowledge base (one hit per document)."""
    from klarsvar.knowledge import KnowledgeBase

    kb = KnowledgeBase(open_database())
    try:
        hits = kb.search(query, lang=lang, audience=audience, k=k)
    except ValueError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from exc
    out: dict[str, object] = {
        "hits": [
            {
                "doc_id": h.doc_id,
                "lang": h.lang,
                "title": h.title,
                "heading": h.heading,
                "score": round(h.score, 4),
                "text": h.text,
            }
            for h in hits
        ]
    }
    if answer:
        from klarsvar.knowledge.text import detect_language

        result = kb.answer(query, lang=lang or detect_language(query), audience=audience)
        out["answer"] = {
            "text": result.text,
            "grounded": result.grounded,
            "confidence": round(result.confidence, 3),
            "language": result.language,
            "sources": [{"doc_id": s.doc_id, "title": s.title, "lang": s.lang} for s in result.sources],
        }
    typer.echo(json.dumps(out, ensure_ascii=False, indent=2))


@app.command("stats")
def stats() -> None:
    """Documents, languages, audiences, chunks and index size."""
    from klarsvar.knowledge import KnowledgeBase

    typer.echo(json.dumps(KnowledgeBase(open_database()).stats(), ensure_ascii=False, indent=2))
