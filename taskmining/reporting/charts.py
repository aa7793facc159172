"""Small inline SVG charts for the HTML report: bars, histograms, step strips.

Pure string building, no plotting library: the report stays one offline
file and renders the same in every browser and in print.

Examples
--------
>>> svg = bar_chart(["excel", "chrome"], [3.0, 1.0])
>>> svg.startswith("<svg") and "excel" in svg
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from html import escape

import numpy as np

from taskmining._unique import unique

PALETTE: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#2ca02c",
)


def color_for(key: str) -> str:
    """A stable palette colour for ``key`` (same key, same colour, every report)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=4).digest()
    return PALETTE[int.from_bytes(digest, "big") % len(PALETTE)]


def _num(v: float) -> str:
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    fmt: Callable[[float], str] = _num,
    width: int = 560,
    bar_height: int = 18,
    title: str = "",
    label_width: int = 190,
) -> str:
    """Horizontal bars, one per label, longest first as given.

    Examples
    --------
    >>> 'width="0.0"' in bar_chart(["a"], [0.0])
    True
    """
    vals = np.asarray(values, dtype=float)
    top = float(np.nanmax(vals)) if len(vals) and np.isfinite(vals).any() else 0.0
    room = width - label_width - 70
    height = len(labels) * (bar_height + 6) + 6
    parts = [f'<svg class="tm-chart" role="img" xmlns="http://www.w3.org/2000/svg" width="100%" '
             f'viewBox="0 0 {width} {height}" style="max-width:{width}px">', f"<title>{escape(title)}</title>"]
    for i, (lab, v) in enumerate(zip(labels, vals, strict=True)):
        y = 6 + i * (bar_height + 6)
        w = 0.0 if top <= 0 or not np.isfinite(v) else room * v / top
        text = lab if len(lab) <= 30 else lab[:29] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height * 0.72:.1f}" font-size="11" text-anchor="end">'
            f"{escape(text)}<title>{escape(lab)}</title></text>"
            f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_height}" rx="3" fill="{color_for(lab)}"/>'
            f'<text x="{label_width + w + 5:.1f}" y="{y + bar_height * 0.72:.1f}" font-size="10" fill="#333">'
            f"{escape(fmt(float(v))) if np.isfinite(v) else ''}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram(values: Sequence[float], *, bins: int = 20, width: int = 360, height: int = 120,
              title: str = "", unit: str = "s") -> str:
    """A histogram of ``values`` (e.g. handling times in seconds).

    Examples
    --------
    >>> histogram([1, 2, 2, 3]).count("<rect") >= 1
    True
    """
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    parts = [f'<svg class="tm-chart" role="img" xmlns="http://www.w3.org/2000/svg" width="100%" '
             f'viewBox="0 0 {width} {height + 22}" style="max-width:{width}px">', f"<title>{escape(title)}</title>"]
    if len(arr) == 0:
        parts.append('<text x="4" y="20" font-size="11">no data</text></svg>')
        return "".join(parts)
    counts, edges = np.histogram(arr, bins=min(bins, max(1, len(unique(arr)))))
    top = counts.max()
    bw = width / len(counts)
    for i, c in enumerate(counts):
        h = 0 if top == 0 else (height - 4) * c / top
        parts.append(f'<rect x="{i * bw + 1:.1f}" y="{height - h:.1f}" width="{max(bw - 2, 1):.1f}" height="{h:.1f}" '
                     f'fill="#4e79a7"><title>{_num(edges[i])}–{_num(edges[i + 1])} {unit}: {c}</title></rect>')
    parts.append(f'<text x="0" y="{height + 16}" font-size="10">{_num(edges[0])} {unit}</text>'
                 f'<text x="{width}" y="{height + 16}" font-size="10" text-anchor="end">{_num(edges[-1])} {unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def step_strip(steps: Sequence[str], *, cell: int = 12, max_cells: int = 60) -> str:
    """A compact picture of a step sequence: one coloured cell per step.

    Examples
    --------
    >>> step_strip(["Open", "Copy", "Paste"]).count("<rect")
    3
    """
    shown = list(steps)[:max_cells]
    more = len(steps) - len(shown)
    width = len(shown) * (cell + 2) + (40 if more else 0)
    parts = [f'<svg class="tm-strip" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{cell + 2}" '
             f'viewBox="0 0 {width} {cell + 2}">']
    for i, s in enumerate(shown):
        parts.append(f'<rect x="{i * (cell + 2)}" y="1" width="{cell}" height="{cell}" rx="2" '
                     f'fill="{color_for(s)}"><title>{i + 1}. {escape(s)}</title></rect>')
    if more:
        parts.append(f'<text x="{len(shown) * (cell + 2) + 3}" y="{cell}" font-size="10">+{more}</text>')
    parts.append("</svg>")
    return "".join(parts)
