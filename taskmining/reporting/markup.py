"""HTML building blocks of the report: the page shell, tables, styles and script.

Everything is inline (styles, script, pictures), so the report is one file
that opens offline and makes no network requests.

Examples
--------
>>> import pandas as pd
>>> html = frame_table(pd.DataFrame({"task": ["Invoice entry"], "cases": [12]}), table_id="t")
>>> 'data-col="cases" data-value="12"' in html
True
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

import numpy as np
import pandas as pd

Formatter = Callable[[Any], str]

CSS = """
:root { --ink:#1f2933; --muted:#5b6673; --line:#d9dee5; --bg:#fbfcfd; --accent:#2f5d9b; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: var(--bg); }
header { padding: 22px 32px 14px; border-bottom: 1px solid var(--line); background: #fff; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: var(--muted); }
nav { position: sticky; top: 0; background: #fff; border-bottom: 1px solid var(--line); padding: 6px 32px; z-index: 2; }
nav a { color: var(--accent); text-decoration: none; margin-right: 16px; font-size: 13px; }
main { max-width: 1180px; margin: 0 auto; padding: 8px 32px 40px; }
section { margin: 26px 0; }
h2 { font-size: 18px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.tm-note { color: var(--muted); font-size: 12.5px; }
.tm-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 10px; }
.tm-card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.tm-card b { display: block; font-size: 20px; }
.tm-card span { color: var(--muted); font-size: 12px; }
table.tm-table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; margin: 6px 0 10px; }
.tm-table th, .tm-table td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
.tm-table th { background: #f1f4f8; font-weight: 600; }
.tm-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.tm-map-wrap { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px; overflow: auto;
               max-height: 640px; cursor: grab; }
.tm-map-wrap.tm-dragging { cursor: grabbing; user-select: none; }
.tm-map-wrap svg.tm-map { display: block; }
.tm-zoom button { font: inherit; font-size: 13px; min-width: 34px; padding: 2px 6px; margin-right: 2px;
                  border: 1px solid var(--line); background: #fff; border-radius: 5px; cursor: pointer; }
.tm-strip-row { display: flex; flex-wrap: wrap; align-items: center; gap: 3px; }
.tm-more summary { cursor: pointer; color: #345; font-size: 0.85em; }
.tm-more[open] { flex-basis: 100%; }
.tm-chip { display: inline-block; border: 1px solid var(--line); border-left: 5px solid #999; border-radius: 4px;
           padding: 1px 6px; font-size: 12.5px; background: #fff; }
.tm-chip.tm-loop { background: #f6f0ff; }
.tm-loopmark { color: #7a4fb3; margin-left: 4px; }
.tm-devs { margin: 0; padding-left: 16px; font-size: 12.5px; min-width: 200px; }
.tm-arrow { color: var(--muted); font-size: 12px; }
.tm-table td[data-col="happy path (representative)"] { min-width: 320px; }
.tm-table td[data-col="variant"] { min-width: 420px; }
.tm-table td[data-col="task"] { min-width: 190px; }
.tm-controls { margin: 8px 0; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
.tm-task { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 4px 14px 10px; margin: 12px 0; }
.tm-grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
.tm-empty { color: var(--muted); font-style: italic; }
@media (max-width: 900px) { .tm-grid2 { grid-template-columns: 1fr; } main { padding: 8px 12px; } }
@media print {
  nav, .tm-controls { display: none; }
  body { background: #fff; font-size: 11px; }
  section, .tm-task { break-inside: avoid-page; }
  .tm-map-wrap { max-height: none; overflow: visible; border: none; }
}
"""

SCRIPT = """
(function () {
  function applyThreshold(map, t) {
    var shown = 0, total = 0;
    map.querySelectorAll('.tm-edge[data-count]').forEach(function (e) {
      total += 1;
      var on = Number(e.getAttribute('data-count')) >= t;
      e.style.display = on ? '' : 'none';
      if (on) { shown += 1; }
    });
    map.querySelectorAll('.tm-node[data-count]').forEach(function (n) {
      var kind = n.getAttribute('data-kind');
      var on = kind === 'start' || kind === 'end' || Number(n.getAttribute('data-count')) >= t;
      n.style.display = on ? '' : 'none';
    });
    return [shown, total];
  }
  function zoomTo(wrap, z) {
    var svg = wrap.querySelector('svg.tm-map');
    if (!svg || !svg.getAttribute('data-width')) { return; }
    var w = Number(svg.getAttribute('data-width')), h = Number(svg.getAttribute('data-height'));
    z = Math.max(0.2, Math.min(4, z));
    svg.setAttribute('width', String(Math.round(w * z)));
    svg.setAttribute('height', String(Math.round(h * z)));
    wrap.setAttribute('data-zoom', String(z));
  }
  document.querySelectorAll('.tm-zoom').forEach(function (bar) {
    var wrap = document.getElementById(bar.getAttribute('data-target'));
    bar.querySelectorAll('button').forEach(function (b) {
      b.addEventListener('click', function () {
        var z = Number(wrap.getAttribute('data-zoom') || '1'), what = b.getAttribute('data-zoom');
        var svg = wrap.querySelector('svg.tm-map');
        if (what === 'in') { z *= 1.25; } else if (what === 'out') { z /= 1.25; } else if (what === 'one') { z = 1; }
        else if (svg) { z = (wrap.clientWidth - 20) / Number(svg.getAttribute('data-width') || wrap.clientWidth); }
        zoomTo(wrap, z);
      });
    });
  });
  document.querySelectorAll('.tm-map-wrap').forEach(function (wrap) {
    var drag = null, svg = wrap.querySelector('svg.tm-map');
    if (wrap.getAttribute('data-autofit') && svg && svg.getAttribute('data-width')) {
      // fit the width, but never below 0.75 (14 pt labels stay about 14 px high): pan for the rest
      var fit = (wrap.clientWidth - 20) / Number(svg.getAttribute('data-width'));
      zoomTo(wrap, Math.max(0.75, Math.min(1, fit)));
    }
    wrap.addEventListener('mousedown', function (e) {
      drag = [e.clientX, e.clientY, wrap.scrollLeft, wrap.scrollTop]; wrap.classList.add('tm-dragging');
    });
    window.addEventListener('mouseup', function () { drag = null; wrap.classList.remove('tm-dragging'); });
    wrap.addEventListener('mousemove', function (e) {
      if (!drag) { return; }
      wrap.scrollLeft = drag[2] - (e.clientX - drag[0]); wrap.scrollTop = drag[3] - (e.clientY - drag[1]);
    });
  });
  document.querySelectorAll('input.tm-freq').forEach(function (input) {
    var target = document.getElementById(input.getAttribute('data-target'));
    var out = document.getElementById(input.getAttribute('data-output'));
    function update() {
      var r = applyThreshold(target, Number(input.value));
      if (out) { out.textContent = 'paths with at least ' + input.value + ' occurrences: ' + r[0] + ' of ' + r[1]; }
    }
    input.addEventListener('input', update);
    update();
  });
})();
"""


def fmt_number(v: Any) -> str:
    """Numbers for people: thousands separators, sensible decimals, blanks for missing.

    Examples
    --------
    >>> fmt_number(1.11e-16), fmt_number(0.125), fmt_number(12.34), fmt_number(12345.6), fmt_number(3)
    ('0', '0.12', '12.3', '12,346', '3')
    """
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if not math.isfinite(f):
            return ""
        if abs(f) < 0.005:  # float noise such as 1.11e-16 is zero to a reader
            return "0"
        if abs(f) >= 100:
            return f"{f:,.0f}"
        text = f"{f:.2f}" if abs(f) < 10 else f"{f:.1f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(v)


def fmt_share(v: Any) -> str:
    """A share in [0, 1] as a percentage."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return f"{100.0 * float(v):.1f}%"


def fmt_duration(v: Any) -> str:
    """Seconds as ``12.3 s``, ``4.5 min`` or ``1.2 h``."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    s = float(v)
    if not math.isfinite(s):
        return ""
    if abs(s) < 0.05:
        return "0 s"
    if s < 60:
        return f"{s:.1f} s"
    if s < 3600:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.1f} h"


def _raw(v: Any) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (np.integer,)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    if isinstance(v, (list, tuple)):
        return json.dumps([str(x) for x in v], ensure_ascii=False)
    return str(v)


def frame_table(
    df: pd.DataFrame,
    *,
    table_id: str,
    columns: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
    formats: Mapping[str, Formatter] | None = None,
    extra: Mapping[str, Sequence[str]] | None = None,
    max_rows: int | None = None,
) -> str:
    """An HTML table of ``df``; each cell carries the exact value in ``data-value``.

    Parameters
    ----------
    df : pandas.DataFrame
        The rows to show (the index is not shown).
    table_id : str
        ``id`` of the ``<table>``.
    columns : sequence of str, optional
        Which columns, in order (default: all).
    headers : mapping, optional
        Column -> header text.
    formats : mapping, optional
        Column -> formatter of the displayed text.
    extra : mapping, optional
        Header -> ready HTML per row (e.g. pictures), added as last columns.
    max_rows : int, optional
        Show only the first rows, with a note saying how many were left out.
    """
    cols = list(columns) if columns is not None else list(df.columns)
    headers = dict(headers or {})
    formats = dict(formats or {})
    shown = df if max_rows is None else df.head(max_rows)
    head = "".join(f"<th>{escape(headers.get(c, c.replace('_', ' ')))}</th>" for c in cols)
    head += "".join(f"<th>{escape(h)}</th>" for h in (extra or {}))
    rows = []
    values = {c: shown[c].tolist() for c in cols}
    for i in range(len(shown)):
        cells = []
        for c in cols:
            v = values[c][i]
            numeric = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
            text = formats.get(c, fmt_number)(v)
            cls = ' class="num"' if numeric else ""
            cells.append(f'<td{cls} data-col="{escape(c)}" data-value="{escape(_raw(v))}">{escape(text)}</td>')
        for h, html_cells in (extra or {}).items():
            cells.append(f'<td data-col="{escape(h)}">{html_cells[i]}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    note = ""
    if max_rows is not None and len(df) > max_rows:
        note = f'<p class="tm-note">Showing {max_rows} of {len(df):,} rows.</p>'
    if not rows:
        return f'<p class="tm-empty" id="{escape(table_id)}">No rows.</p>'
    return (f'<table class="tm-table" id="{escape(table_id)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>{note}")


def cards(items: Sequence[tuple[str, str]]) -> str:
    """Big-number cards: ``(value, caption)`` pairs."""
    inner = "".join(f'<div class="tm-card"><b>{escape(v)}</b><span>{escape(c)}</span></div>' for v, c in items)
    return f'<div class="tm-cards">{inner}</div>'


def section(anchor: str, title: str, body: str, note: str = "") -> str:
    """A titled report section with an anchor for the navigation bar."""
    note_html = f'<p class="tm-note">{escape(note)}</p>' if note else ""
    return f'<section id="{escape(anchor)}"><h2>{escape(title)}</h2>{note_html}{body}</section>'


def page(title: str, subtitle: str, sections: Sequence[tuple[str, str, str]]) -> str:
    """The whole document: ``sections`` are ``(anchor, nav label, html)``."""
    nav = "".join(f'<a href="#{escape(a)}">{escape(label)}</a>' for a, label, _ in sections)
    body = "".join(h for _, _, h in sections)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header>"
        f"<nav>{nav}</nav><main>{body}</main><script>{SCRIPT}</script></body></html>"
    )
