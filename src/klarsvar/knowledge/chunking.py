"""Chunking: sections follow headings, tables stay whole, answer units inside.

The input is Markdown-like text (every loader produces it). A chunk is one
section under its heading path; a section longer than `MAX_WORDS` is split at
block boundaries, never inside a table. The answer units of a chunk are its
sentences, list items and table rows: the smallest pieces an answer quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from klarsvar.knowledge.models import Chunk
from klarsvar.knowledge.text import PLACEHOLDER, clean_inline, sentences, word_count

CHUNKER_VERSION = "3"  # 3: a chunk is also embedded whole (chunk_passage)
MAX_WORDS = 220
MAX_UNIT_WORDS = 70

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^(\s*)(?:[-*+•]|\d+[.)])\s+(.*)$")
_TABLE_LINE = re.compile(r"^\s*\|")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


@dataclass
class Block:
    kind: str  # paragraph | item | table | code
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Section:
    path: list[str]
    blocks: list[Block] = field(default_factory=list)


def _blocks_and_headings(text: str) -> list[tuple[int, str] | Block]:
    """The document as a flat list of headings `(level, text)` and blocks."""
    out: list[tuple[int, str] | Block] = []
    current: Block | None = None
    in_code = False
    for raw in text.splitlines():
        line = raw.rstrip()
        if line.strip().startswith("```"):
            if in_code:
                in_code = False
                current = None
            else:
                in_code = True
                current = Block("code", [])
                out.append(current)
            continue
        if in_code and current is not None:
            current.lines.append(line)
            continue
        if not line.strip():
            current = None
            continue
        heading = _HEADING.match(line)
        if heading:
            out.append((len(heading.group(1)), clean_inline(heading.group(2))))
            current = None
            continue
        if _TABLE_LINE.match(line):
            if current is None or current.kind != "table":
                current = Block("table", [])
                out.append(current)
            current.lines.append(line.strip())
            continue
        item = _LIST_ITEM.match(line)
        if item:
            current = Block("item", [line.strip()])
            out.append(current)
            continue
        if current is not None and current.kind in ("paragraph", "item"):
            current.lines.append(line.strip())  # continuation line
        else:
            current = Block("paragraph", [line.strip()])
            out.append(current)
    return out


def _sections(text: str, title: str) -> list[Section]:
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    current = Section([title])
    for element in _blocks_and_headings(text):
        if isinstance(element, Block):
            current.blocks.append(element)
            continue
        level, heading = element
        if current.blocks:
            sections.append(current)
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        path = [h for lvl, h in stack if not (lvl == 1 and h == title)] or [title]
        current = Section(path)
    if current.blocks:
        sections.append(current)
    return sections


def _table_rows(block: Block) -> list[str]:
    rows = [
        [clean_inline(cell) for cell in line.strip().strip("|").split("|")]
        for line in block.lines
        if not _TABLE_RULE.match(line)
    ]
    if not rows:
        return []
    has_header = len(block.lines) > 1 and bool(_TABLE_RULE.match(block.lines[1]))
    header = rows[0] if has_header else []
    units = []
    for row in rows[1:] if has_header else rows:
        cells = list(row)
        if not any(cells):
            continue
        if len(cells) == 2:
            units.append(f"{cells[0]}: {cells[1]}")
        elif header and len(header) == len(cells):
            rest = "; ".join(f"{h}: {c}" for h, c in zip(header[1:], cells[1:], strict=True) if c)
            units.append(f"{cells[0]} — {rest}" if rest else cells[0])
        else:
            units.append("; ".join(c for c in cells if c))
    return units


def _units(block: Block) -> list[str]:
    if block.kind == "table":
        return _table_rows(block)
    if block.kind == "code":
        return []
    if block.kind == "item":
        item = _LIST_ITEM.match(block.lines[0])
        first = item.group(2) if item else block.lines[0]
        text = clean_inline(" ".join([first, *block.lines[1:]]))
        return [text] if word_count(text) <= MAX_UNIT_WORDS else sentences(text)
    return sentences(clean_inline(" ".join(block.lines)))


def _chunk_text(blocks: list[Block]) -> str:
    parts: list[str] = []
    for i, block in enumerate(blocks):
        separator = "\n" if i and block.kind == "item" and blocks[i - 1].kind == "item" else "\n\n"
        parts.append((separator if parts else "") + block.text)
    return "".join(parts)


def chunk_document(text: str, title: str) -> tuple[Chunk, ...]:
    """Split Markdown-like `text` into chunks under their headings (tables whole)."""
    chunks: list[Chunk] = []
    for section in _sections(text, title):
        heading = " › ".join(section.path)
        groups: list[list[Block]] = [[]]
        words = 0
        for block in section.blocks:
            size = word_count(block.text)
            if groups[-1] and words + size > MAX_WORDS:
                groups.append([])
                words = 0
            groups[-1].append(block)
            words += size
        for group in groups:
            units = [u for block in group for u in _units(block)]
            units = [u for u in units if u and PLACEHOLDER not in u and re.search(r"\w", u)]
            body = _chunk_text(group)
            if not body.strip():
                continue
            chunks.append(Chunk(seq=len(chunks), heading=heading, text=body, units=tuple(units)))
    return tuple(chunks)


def chunk_passage(title: str, chunk: Chunk) -> str:
    """The text a chunk is embedded as, whole: its title and heading path, then its text.

    Whole sections match questions in other languages more reliably than single sentences.
    """
    heading = chunk.heading if chunk.heading.startswith(title) else f"{title} › {chunk.heading}"
    return f"{heading}\n{chunk.text}"
