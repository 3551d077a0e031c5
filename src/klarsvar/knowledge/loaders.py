"""Loaders: a folder of Markdown, HTML, PDF, JSON and text files → parsed documents.

Each loader turns its format into Markdown-like text (headings, lists, tables)
that `chunking` splits. A file that cannot be read raises `BrokenDocument`
with a short reason; the caller reports it by name and goes on.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from klarsvar.knowledge.chunking import CHUNKER_VERSION, chunk_document
from klarsvar.knowledge.models import CUSTOMER, INTERNAL, BrokenFile, ParsedDocument
from klarsvar.knowledge.text import clean_inline, detect_language

MARKDOWN = {".md", ".markdown"}
HTML = {".html", ".htm"}
SUPPORTED = MARKDOWN | HTML | {".pdf", ".json", ".txt"}


class BrokenDocument(Exception):
    """The file is not a readable document (the message says why)."""


def content_hash(doc_id: str, lang: str, title: str, audience: str, content: str) -> str:
    payload = json.dumps([CHUNKER_VERSION, doc_id, lang, title, audience, content], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def audience_of(title: str, declared: object = None) -> str:
    """`customer` only when declared so, or undeclared and not marked internal in the title
    ("Internal: …", "(Internal) …", "… (Internal)"); anything else is internal."""
    if declared is not None and str(declared).strip():
        return CUSTOMER if str(declared).strip().lower() == CUSTOMER else INTERNAL
    return INTERNAL if _INTERNAL_TITLE.search(title.strip()) else CUSTOMER


_INTERNAL_TITLE = re.compile(r"^\W*internal\b\s*[:)\]–-]|[(\[]\s*internal\s*[)\]]\W*$|^[(\[]\s*internal\s*[)\]]", re.I)


def make_document(
    *, doc_id: str, title: str, content: str, path: str, lang: object = None, audience: object = None
) -> ParsedDocument:
    content = content.replace("\r\n", "\n").strip()
    title = clean_inline(title) or doc_id
    if not content:
        raise BrokenDocument("no text")
    language = str(lang).strip().lower() if lang else detect_language(f"{title}\n{content}")
    aud = audience_of(title, audience)
    chunks = chunk_document(content, title)
    if not chunks:
        raise BrokenDocument("no text")
    return ParsedDocument(
        doc_id=doc_id,
        lang=language,
        title=title,
        audience=aud,
        path=path,
        content=content,
        chunks=chunks,
        content_hash=content_hash(doc_id, language, title, aud, content),
    )


# A section of a customer-facing document that is marked for staff only ("CODES NOT TO DISCLOSE
# (INTERNAL USE ONLY)"): it is moved into an internal companion document, never shown to customers.
_INTERNAL_SECTION = re.compile(
    r"internal[\s_-]+(use[\s_-]+)?only|for[\s_-]+internal[\s_-]+use|not[\s_-]+to[\s_-]+(be[\s_-]+)?disclosed?"
    r"|do[\s_-]+not[\s_-]+(share|disclose)|(agents?|staff)[\s_-]+only|[(\[]\s*internal\s*[)\]]|^\W*internal\s*[:–-]",
    re.I,
)
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
INTERNAL_PART = "#internal"  # the id suffix of a document's internal companion


def internal_sections(content: str) -> tuple[str, str]:
    """(customer text, internal text) of a document: the sections whose heading marks them for
    staff only, with their subsections, go to the internal text."""
    public: list[str] = []
    internal: list[str] = []
    hidden_level = 0  # > 0 while inside an internal section of this heading level
    for line in content.split("\n"):
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            if hidden_level and level <= hidden_level:
                hidden_level = 0
            if not hidden_level and _INTERNAL_SECTION.search(heading.group(2)):
                hidden_level = level
        (internal if hidden_level else public).append(line)
    return "\n".join(public).strip(), "\n".join(internal).strip()


def split_internal(documents: list[ParsedDocument]) -> list[ParsedDocument]:
    """Customer documents with staff-only sections become two: the customer document (same id)
    without them, and an internal companion (`<id>#internal`) with them."""
    out: list[ParsedDocument] = []
    for doc in documents:
        if doc.audience != CUSTOMER:
            out.append(doc)
            continue
        public, internal = internal_sections(doc.content)
        if not internal:
            out.append(doc)
            continue
        if public:
            out.append(
                make_document(
                    doc_id=doc.doc_id, title=doc.title, content=public, path=doc.path, lang=doc.lang, audience=CUSTOMER
                )
            )
        out.append(
            make_document(
                doc_id=doc.doc_id + INTERNAL_PART,
                title=f"{doc.title} (internal)",
                content=internal,
                path=doc.path,
                lang=doc.lang,
                audience=INTERNAL,
            )
        )
    return out


def _read_text(data: bytes) -> str:
    if b"\x00" in data:
        raise BrokenDocument("binary data, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BrokenDocument(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(2, len(text) // 100):
        raise BrokenDocument("binary data, not text")
    return text


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)


def load_markdown(data: bytes, rel: str) -> list[ParsedDocument]:
    text = _read_text(data)
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            raise BrokenDocument(f"invalid front matter: {str(exc).splitlines()[0]}") from exc
        if not isinstance(loaded, dict):
            raise BrokenDocument("invalid front matter: not a mapping")
        meta = loaded
        text = text[match.end() :]
    title = str(meta.get("title") or "")
    if not title:
        h1 = re.search(r"^#\s+(.+)$", text, re.M)
        title = h1.group(1).strip() if h1 else Path(rel).stem.replace("-", " ").replace("_", " ")
    doc_id = str(meta.get("id") or rel)
    return [
        make_document(
            doc_id=doc_id, title=title, content=text, path=rel, lang=meta.get("lang"), audience=meta.get("audience")
        )
    ]


def _html_to_markdown(node: Any, out: list[str]) -> None:
    from bs4.element import NavigableString, Tag

    for child in node.children:
        if isinstance(child, NavigableString):
            text = str(child).strip()
            if text and type(child).__name__ == "NavigableString":
                out.append(text)
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name.lower()
        if name in ("script", "style", "nav", "footer", "header", "noscript", "template", "head"):
            continue
        if re.fullmatch(r"h[1-6]", name):
            out.append("\n" + "#" * int(name[1]) + " " + child.get_text(" ", strip=True) + "\n")
        elif name == "table":
            rows = []
            for i, tr in enumerate(child.find_all("tr")):
                cells = [c.get_text(" ", strip=True).replace("|", "/") for c in tr.find_all(["th", "td"])]
                rows.append("| " + " | ".join(cells) + " |")
                if i == 0:
                    rows.append("|" + "---|" * len(cells))
            out.append("\n" + "\n".join(rows) + "\n")
        elif name == "li":
            out.append("\n- " + child.get_text(" ", strip=True) + "\n")
        elif name in ("p", "pre", "blockquote", "dd", "dt", "figcaption"):
            out.append("\n" + child.get_text(" ", strip=True) + "\n")
        else:
            _html_to_markdown(child, out)


def load_html(data: bytes, rel: str) -> list[ParsedDocument]:
    from bs4 import BeautifulSoup

    text = _read_text(data)
    if "<" not in text:
        raise BrokenDocument("not HTML")
    soup = BeautifulSoup(text, "html.parser")
    title_tag = soup.find("title")
    h1 = soup.find("h1")
    title = (title_tag.get_text(" ", strip=True) if title_tag else "") or (h1.get_text(" ", strip=True) if h1 else "")
    html_tag = soup.find("html")
    lang = html_tag.get("lang") if html_tag is not None and hasattr(html_tag, "get") else None
    meta_audience = soup.find("meta", attrs={"name": "audience"})
    audience = meta_audience.get("content") if meta_audience is not None and hasattr(meta_audience, "get") else None
    body = soup.find("body") or soup
    parts: list[str] = []
    _html_to_markdown(body, parts)
    content = re.sub(r"\n{3,}", "\n\n", "\n".join(parts))
    lang_code = str(lang).split("-")[0] if lang else None
    return [
        make_document(
            doc_id=rel, title=title or Path(rel).stem, content=content, path=rel, lang=lang_code, audience=audience
        )
    ]


def _pdf_lines_to_markdown(text: str) -> str:
    lines = [line.strip() for line in text.splitlines()]
    out: list[str] = []
    for i, line in enumerate(lines):
        if not line:
            out.append("")
            continue
        nxt = next((candidate for candidate in lines[i + 1 :] if candidate), "")
        looks_like_heading = (
            len(line) <= 60 and not re.search(r"[.,;:!?]$", line) and len(nxt) > len(line) and line[:1].isupper()
        )
        if looks_like_heading and not re.match(r"^[-•*\d]", line):
            out.extend(["", f"## {line}", ""])
        else:
            out.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))


def load_pdf(data: bytes, rel: str) -> list[ParsedDocument]:
    from pypdf import PdfReader

    if not data.startswith(b"%PDF"):
        raise BrokenDocument("not a PDF")
    if b"%%EOF" not in data[-2048:]:
        raise BrokenDocument("truncated PDF (no end-of-file marker)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            pages = [page.extract_text() or "" for page in reader.pages]
            info_title = reader.metadata.title if reader.metadata else None
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files
        raise BrokenDocument(f"unreadable PDF ({type(exc).__name__}: {exc})") from exc
    text = "\n\n".join(pages).strip()
    if not text:
        raise BrokenDocument("PDF without extractable text")
    first_line = next(line.strip() for line in text.splitlines() if line.strip())
    title = str(info_title).strip() if info_title else first_line
    body = _pdf_lines_to_markdown(text)
    return [make_document(doc_id=rel, title=title, content=body, path=rel)]


def load_json(data: bytes, rel: str) -> list[ParsedDocument]:
    text = _read_text(data)
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BrokenDocument(f"invalid JSON ({exc.msg} at line {exc.lineno})") from exc
    items = loaded if isinstance(loaded, list) else [loaded]
    docs = []
    for i, item in enumerate(items):
        where = rel if len(items) == 1 else f"{rel}#{i}"
        if not isinstance(item, dict) or not isinstance(item.get("content"), str):
            raise BrokenDocument(f"{where}: expected an object with a string `content`")
        doc_id = str(item.get("id") or where)
        docs.append(
            make_document(
                doc_id=doc_id,
                title=str(item.get("title") or doc_id),
                content=item["content"],
                path=rel,
                lang=item.get("lang"),
                audience=item.get("audience"),
            )
        )
    return docs


def load_text(data: bytes, rel: str) -> list[ParsedDocument]:
    text = _read_text(data)
    first = next((line.strip() for line in text.splitlines() if line.strip()), Path(rel).stem)
    return [make_document(doc_id=rel, title=first[:200], content=text, path=rel)]


def load_file(path: Path, rel: str) -> list[ParsedDocument]:
    """Parse one file; raises `BrokenDocument` when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BrokenDocument(f"cannot read ({exc.strerror})") from exc
    if not data.strip():
        raise BrokenDocument("empty file")
    suffix = path.suffix.lower()
    if suffix in MARKDOWN:
        return split_internal(load_markdown(data, rel))
    if suffix in HTML:
        return split_internal(load_html(data, rel))
    if suffix == ".pdf":
        return split_internal(load_pdf(data, rel))
    if suffix == ".json":
        return split_internal(load_json(data, rel))
    return split_internal(load_text(data, rel))


def discover(root: Path) -> Iterator[tuple[Path, str, str | None]]:
    """Files under `root` as `(path, relative path, reason to skip or None)`; hidden files are ignored."""
    for path in sorted(root.rglob("*")):
        rel_parts = path.relative_to(root).parts
        if any(part.startswith(".") for part in rel_parts) or not path.is_file():
            continue
        rel = "/".join(rel_parts)
        if path.stem.lower() in ("readme", "license", "licence", "changelog", "source_commit"):
            yield path, rel, "not an article (README/LICENSE)"
        elif path.suffix.lower() not in SUPPORTED:
            yield path, rel, f"unsupported file type {path.suffix or '(none)'}"
        else:
            yield path, rel, None


def load_dir(root: Path) -> tuple[list[ParsedDocument], list[BrokenFile], list[BrokenFile]]:
    """All documents under `root`, the broken files and the skipped ones (by relative path)."""
    documents: list[ParsedDocument] = []
    broken: list[BrokenFile] = []
    skipped: list[BrokenFile] = []
    seen: dict[tuple[str, str], str] = {}
    for path, rel, skip in discover(root):
        if skip:
            skipped.append(BrokenFile(rel, skip))
            continue
        try:
            parsed = load_file(path, rel)
        except BrokenDocument as exc:
            broken.append(BrokenFile(rel, str(exc)))
            continue
        except Exception as exc:  # a loader bug must not stop the rest of the ingest
            broken.append(BrokenFile(rel, f"unreadable ({type(exc).__name__}: {exc})"))
            continue
        for doc in parsed:
            key = (doc.doc_id, doc.lang)
            if key in seen:
                broken.append(BrokenFile(rel, f"duplicate document {doc.doc_id!r} ({doc.lang}), also in {seen[key]}"))
                continue
            seen[key] = rel
            documents.append(doc)
    return documents, broken, skipped
