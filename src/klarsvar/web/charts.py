"""Inline SVG charts, drawn on the server (no scripts, no CDN). Every label is XML-escaped;
colours come from CSS classes (static/dashboard.css)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

Fmt = Callable[[float], str]


def _e(text: object) -> str:
    return escape(str(text), {'"': "&quot;"})


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def pct(v: float) -> str:
    return f"{v * 100:.0f} %"


def _nice_max(v: float) -> float:
    """A round number at or above `v` for the top of an axis (1, 2, 2.5, 5 × a power of ten)."""
    if v <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(v))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if v <= step * magnitude + 1e-9:
            return step * magnitude
    return 10.0 * magnitude


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>{"".join(body)}</svg>')


def _legend(items: Sequence[tuple[str, str]], x: float, y: float) -> list[str]:
    out = []
    for name, cls in items:
        out.append(f'<rect class="{_e(cls)}" x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" rx="2"/>'
                   f'<text class="legend" x="{x + 14:.1f}" y="{y:.1f}">{_e(name)}</text>')
        x += 22 + 7.2 * len(name)
    return out


def stacked_bars(title: str, labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[float]]],
                 width: int = 760, height: int = 240) -> str:
    """Columns per label, each stacked from `series` (name, css class, values)."""
    left, right, top, bottom = 40, 10, 28, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s[2][i] for s in series) for i in range(len(labels))]
    top_value = _nice_max(max(totals, default=0))
    body = _legend([(n, c) for n, c, _ in series], left, 14)
    for tick in range(5):
        value = top_value * tick / 4
        y = top + plot_h - plot_h * tick / 4
        body.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
                    f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_e(_num(value))}</text>')
    n = max(len(labels), 1)
    slot = plot_w / n
    bar = max(2.0, slot * 0.72)
    for i, label in enumerate(labels):
        x = left + i * slot + (slot - bar) / 2
        y = top + plot_h
        for name, cls, values in series:
            h = plot_h * values[i] / top_value if top_value else 0
            if h > 0:
                y -= h
                body.append(f'<rect class="{_e(cls)}" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}">'
                            f'<title>{_e(label)}: {_e(_num(values[i]))} {_e(name)}</title></rect>')
        if n <= 14 or i % max(1, n // 10) == 0 or i == n - 1:
            body.append(f'<text class="axis" x="{x + bar / 2:.1f}" y="{height - bottom + 16}" '
                        f'text-anchor="middle">{_e(label)}</text>')
    return _svg(width, height, title, body)


def lines(title: str, labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[float | None]]],
          fmt: Fmt = _num, max_value: float | None = None, width: int = 760, height: int = 220) -> str:
    """One line per series over the labels; gaps where a value is None."""
    left, right, top, bottom = 48, 12, 28, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, _, vs in series for v in vs if v is not None]
    top_value = max_value if max_value is not None else _nice_max(max(values, default=0))
    body = _legend([(n, c) for n, c, _ in series], left, 14)
    for tick in range(5):
        value = top_value * tick / 4
        y = top + plot_h - plot_h * tick / 4
        body.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
                    f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_e(fmt(value))}</text>')
    n = len(labels)
    step = plot_w / max(n - 1, 1)
    for name, cls, vs in series:
        path: list[str] = []
        for i, v in enumerate(vs):
            if v is None:
                continue
            x = left + i * step
            y = top + plot_h - (plot_h * v / top_value if top_value else 0)
            path.append(f'{"M" if not path else "L"}{x:.1f},{y:.1f}')
            body.append(f'<circle class="{_e(cls)} dot" cx="{x:.1f}" cy="{y:.1f}" r="2.6">'
                        f'<title>{_e(labels[i])}: {_e(fmt(v))} {_e(name)}</title></circle>')
        if path:
            body.append(f'<path class="{_e(cls)} line" d="{" ".join(path)}"/>')
    for i, label in enumerate(labels):
        if n <= 14 or i % max(1, n // 10) == 0 or i == n - 1:
            body.append(f'<text class="axis" x="{left + i * step:.1f}" y="{height - bottom + 16}" '
                        f'text-anchor="middle">{_e(label)}</text>')
    return _svg(width, height, title, body)


def hbars(title: str, items: Sequence[tuple[str, float]], fmt: Fmt = _num, css: str = "s1",
          max_value: float | None = None, width: int = 600, row: int = 26) -> str:
    """Horizontal bars, one per (label, value), largest first as given."""
    label_w = min(220, 16 + 7 * max((len(str(label)) for label, _ in items), default=8))
    value_w = 56
    height = max(row * len(items), row) + 8
    top_value = max_value if max_value is not None else max((v for _, v in items), default=0) or 1
    body = []
    if not items:
        body.append(f'<text class="axis" x="4" y="{row - 8}">No data yet</text>')
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        w = (width - label_w - value_w) * value / top_value if top_value else 0
        body.append(f'<text class="label" x="{label_w - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end">'
                    f'{_e(label)}</text>'
                    f'<rect class="{_e(css)}" x="{label_w}" y="{y + 4}" width="{max(w, 1):.1f}" height="{row - 10}" '
                    f'rx="3"><title>{_e(label)}: {_e(fmt(value))}</title></rect>'
                    f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + row / 2 + 4:.1f}">{_e(fmt(value))}</text>')
    return _svg(width, height, title, body)


def grouped_bars(title: str, categories: Sequence[str], series: Sequence[tuple[str, str, Sequence[float]]],
                 fmt: Fmt = _num, width: int = 600, height: int = 260) -> str:
    """Bars side by side per category (e.g. CSAT 1–5 for AI and for people)."""
    left, right, top, bottom = 44, 8, 28, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((v for _, _, vs in series for v in vs), default=0))
    body = _legend([(n, c) for n, c, _ in series], left, 14)
    for tick in range(3):
        y = top + plot_h - plot_h * tick / 2
        body.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
                    f'<text class="axis" x="{left - 5}" y="{y + 4:.1f}" text-anchor="end">'
                    f'{_e(fmt(top_value * tick / 2))}</text>')
    slot = plot_w / max(len(categories), 1)
    bar = slot * 0.8 / max(len(series), 1)
    for i, cat in enumerate(categories):
        for j, (name, cls, vs) in enumerate(series):
            h = plot_h * vs[i] / top_value if top_value else 0
            x = left + i * slot + slot * 0.1 + j * bar
            body.append(f'<rect class="{_e(cls)}" x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 1:.1f}" '
                        f'height="{h:.1f}"><title>{_e(name)} {_e(cat)}: {_e(fmt(vs[i]))}</title></rect>')
        body.append(f'<text class="axis" x="{left + i * slot + slot / 2:.1f}" y="{height - bottom + 16}" '
                    f'text-anchor="middle">{_e(cat)}</text>')
    return _svg(width, height, title, body)
