"""``taskmining segment``: one output row per input row, with its step and case.

The contract (kept stable: recordings are evaluated independently with it)::

    taskmining segment INPUT [--format F] [--tz TZ] [--method auto|NAME]
                       [--param key=value ...] [--detail element|role|app] -o OUTPUT.csv|.parquet

writes one row per input row, in input order: every input column, then
``row`` (0-based input row), ``step_id``, ``step``, ``case_id``, ``task``,
``boundary_confidence`` (on the first row of each case: how sure the method
is that a task begins there, see :mod:`taskmining.segmentation.confidence`;
empty elsewhere).

* CSV inputs (``.csv``, ``.csv.gz``, or a CSV format named with ``--format``):
  one row per record of the file, its columns as the readers see them (any
  delimiter, encoding and quoting; mojibake repaired), all as text, with the
  header names of the file (where a name repeats: empty ones named
  ``column_N``, repeated ones ``name.1``; a headerless file named by its
  format's layout). The file is read as a table of text
  records, then through ``read_events`` from a comma copy carrying a row
  marker column (readers keep unknown columns in ``attrs``), which aligns
  events with input rows. Records the reading quarantines (wrong number of
  fields, conflict-marker lines, bad timestamps) are written with empty step
  and case columns, at their place. Idle rows that an interval reader adds
  for unrecorded time (``idle_gap``) are segmented with the rest but have no
  input row, so they are not written.
  An input column named like an added one is renamed ``<name>_input``.
* Other inputs (native JSONL, Parquet, ActivityWatch JSON): the columns of
  the events frame, in input order (``event_id``); quarantined records have
  no row (their count is printed).
* Ground-truth columns (``caseID``, ``true_*`` ...) are copied to the output
  but never shown to the method.

``--param`` values are read as JSON when they parse (numbers, booleans,
``null``, quoted strings, lists), else as plain strings: ``--param gap=5min
--param threshold=0.4``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from taskmining.cli.options import add_input_options
from taskmining.errors import FormatDetectionError, IngestError, ParameterError, TaskminingError
from taskmining.io.detect import describe_head, detect_format, looks_binary
from taskmining.schema import CASE_ID, EVENT_ID, STEP, STEP_ID, STRING_DTYPE, TASK
from taskmining.segmentation.confidence import CONFIDENCE, event_confidence
from taskmining.steps.build import steps_table

__all__ = ["register", "parse_params", "segment_file"]

ROW = "row"
ADDED: tuple[str, ...] = (ROW, STEP_ID, STEP, CASE_ID, TASK, CONFIDENCE)
_MARKER = "_taskmining_row"
_MARKER_RE = re.compile(r'"' + _MARKER + r'"\s*:\s*"?(\d+)"?')
_MARKER_MENTION_RE = re.compile(r",\s*'?" + _MARKER + r"'?|'?" + _MARKER + r"'?,\s*|\b" + _MARKER + r"\b")
_GAP_ROW = '"idle_gap":true'
_CSV_FORMATS = {"actionlogger", "smartrpa", "leno", "generic", "pm4py", "tockler", "window_tracking"}
_OUT_SUFFIXES = (".csv", ".parquet")


def parse_params(items: list[str] | None) -> dict[str, Any]:
    """``["gap=5min", "threshold=0.4"]`` -> ``{"gap": "5min", "threshold": 0.4}``.

    Examples
    --------
    >>> parse_params(["gap=5min", "n=3", "flag=true", "x=null", "start=^New"])
    {'gap': '5min', 'n': 3, 'flag': True, 'x': None, 'start': '^New'}
    """
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise ParameterError(f"--param {item!r}: expected key=value with a parameter name as key")
        lowered = text.strip()
        if lowered in ("True", "False", "None"):
            value: Any = {"True": True, "False": False, "None": None}[lowered]
        else:
            try:
                value = json.loads(lowered)
            except ValueError:
                value = text
        out[key] = value
    return out


def _is_csv(path: Path, fmt: str) -> bool:
    name = path.name.lower()
    if name.endswith((".parquet", ".pq", ".jsonl", ".jsonl.gz", ".json", ".jsonl.enc")) or path.is_dir():
        return False
    return fmt in _CSV_FORMATS or (fmt == "auto" and name.endswith((".csv", ".csv.gz", ".tsv")))


def _read_raw_csv(path: Path, fmt: str) -> pd.DataFrame:
    """Every record of the file as text, in file order, with the columns the CSV reading finds.

    The file is read as the readers read it (:func:`taskmining.io._csv.read_table`:
    sniffed delimiter, encodings, repaired mojibake, multi-line cells, a
    headerless file named by its format's layout). Records that reading
    quarantines (a wrong number of fields, a conflict-marker line, an
    undecodable line) stay in the output at their place, their fields split
    leniently, so that there is one output row per input record. The last
    column, ``_MARKER``, is ``True`` for the rows the readers will see.
    """
    from taskmining.io._csv import header_fields, read_table
    from taskmining.io._files import read_head
    from taskmining.io._records import loose_fields
    from taskmining.io.quarantine import QuarantineLog
    from taskmining.io.registry import get_format

    try:
        head = read_head(path)
    except OSError as exc:
        raise IngestError(f"cannot read: {exc.strerror or exc}", path=path) from None
    if looks_binary(head[:512]):
        raise IngestError(f"not a CSV file: {describe_head(head)}", path=path)
    qlog = QuarantineLog()
    table = read_table(path, qlog, layouts=get_format(fmt).layouts)
    if table.frame.shape[1] == 0:
        raise FormatDetectionError("empty file: no header and no rows to segment", path=path)
    header = [str(c) for c in table.frame.columns]
    if not table.headerless:  # the names exactly as in the file, where they are unique and none was dropped
        original = header_fields(head)
        if len(original) == len(header) and len(set(original)) == len(original):
            header = original
    width = len(header)
    kept = table.frame.astype(object).fillna("")
    kept.columns = range(width)
    kept[_MARKER] = True
    lines = [int(x) for x in table.lines]
    rows: list[list[Any]] = []
    for line, raw in qlog.to_frame()[["line", "raw"]].itertuples(index=False, name=None):
        if pd.isna(line):
            continue
        text = "" if pd.isna(raw) else str(raw)
        fields = (loose_fields(text, table.delimiter) or [text]) if "\n" not in text else [text]
        rows.append([*(list(fields) + [""] * width)[:width], False])
        lines.append(int(line))
    frame = pd.concat([kept, pd.DataFrame(rows, columns=[*range(width), _MARKER])], ignore_index=True) \
        if rows else kept
    order = np.argsort(np.asarray(lines, dtype=np.int64), kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    frame.columns = [*header, _MARKER]
    return frame


def _write_marked_copy(raw: pd.DataFrame, path: Path, folder: Path) -> Path:
    """The rows the readers see, as a comma CSV with a header and the row marker as last column."""
    name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    target = folder / name
    keep = raw[_MARKER].to_numpy(dtype=bool)
    marked = raw.loc[keep, raw.columns[:-1]].copy()
    header = list(marked.columns)
    marked.columns = range(marked.shape[1])
    marked[marked.shape[1]] = np.flatnonzero(keep).astype(str)
    with open(target, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([*header, _MARKER])
        marked.to_csv(f, header=False, index=False)
    return target


def _read(source: Path, args: argparse.Namespace, fmt: str | None = None) -> tuple[pd.DataFrame, int]:
    from taskmining.io.read import QuarantineWarning, read_events

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuarantineWarning)
        events, quarantine = read_events(source, fmt or args.format, tz=args.tz, return_quarantine=True,
                                         progress=not args.quiet)
    return events, len(quarantine)


def _read_copy(copy: Path, original: Path, fmt: str, args: argparse.Namespace) -> tuple[pd.DataFrame, int]:
    """Read the marked copy; an error names the user's file, never the copy or the marker column."""
    try:
        return _read(copy, args, fmt)
    except IngestError as exc:
        reason = _MARKER_MENTION_RE.sub("", exc.reason).replace(str(copy), str(original))
        raise type(exc)(reason, path=original, line=exc.line, column=exc.column) from None
    except TaskminingError as exc:
        text = _MARKER_MENTION_RE.sub("", str(exc)).replace(str(copy), str(original))
        raise type(exc)(text) from None


def _segment(events: pd.DataFrame, args: argparse.Namespace) -> pd.DataFrame:
    from taskmining.segmentation.apply import segment

    out = segment(events, args.method, params=parse_params(args.param), step_options={"detail": args.detail},
                  progress=False if args.quiet else None)
    out[CONFIDENCE] = event_confidence(out, steps_table(out))
    return out


def _added(n: int) -> dict[str, pd.Series]:
    return {
        ROW: pd.Series(np.arange(n, dtype=np.int64)),
        STEP_ID: pd.Series(pd.array([pd.NA] * n, dtype="Int64")),
        STEP: pd.Series(np.full(n, np.nan), dtype=STRING_DTYPE),
        CASE_ID: pd.Series(np.full(n, np.nan), dtype=STRING_DTYPE),
        TASK: pd.Series(np.full(n, np.nan), dtype=STRING_DTYPE),
        CONFIDENCE: pd.Series(np.full(n, np.nan), dtype="float64"),
    }


def _rename_collisions(frame: pd.DataFrame) -> pd.DataFrame:
    renames = {c: f"{c}_input" for c in frame.columns if c in ADDED}
    return frame.rename(columns=renames) if renames else frame


def _segment_csv(path: Path, args: argparse.Namespace) -> tuple[pd.DataFrame, int]:
    # the format is told from the user's file (an error names it), then the marked copy is read as that format
    fmt = detect_format(path) if args.format == "auto" else args.format
    raw = _read_raw_csv(path, fmt)
    added = _added(len(raw))
    n_unread = int((~raw[_MARKER].to_numpy(dtype=bool)).sum())
    if n_unread == len(raw):  # no row to align (a header only), but the reader still judges the file
        _, n_quarantined = _read(path, args, fmt)
        return pd.concat([_rename_collisions(raw.drop(columns=_MARKER)), pd.DataFrame(added)], axis=1), \
            n_quarantined
    with tempfile.TemporaryDirectory(prefix="taskmining-segment-") as tmp:
        copy = _write_marked_copy(raw, path, Path(tmp))
        events, n_quarantined = _read_copy(copy, path, fmt, args)
    n_quarantined += n_unread
    attrs = events["attrs"].astype(object).fillna("")
    rows = attrs.str.extract(_MARKER_RE, expand=False)
    generated = attrs.str.contains(_GAP_ROW, regex=False).to_numpy(dtype=bool)  # idle rows of unrecorded time
    if (rows.isna().to_numpy() & ~generated).any():
        raise IngestError(f"the {args.format!r} reader dropped the row marker column, so events cannot be "
                          "aligned with input rows", path=path)
    from_input = rows.notna().to_numpy()
    rows = rows[from_input].astype(np.int64).to_numpy()
    cleaned = attrs.str.replace(r',?"' + _MARKER + r'"\s*:\s*"?\d+"?', "", regex=True).str.replace(
        "{,", "{", regex=False)
    events = events.assign(attrs=pd.Series(cleaned.to_numpy(), index=events.index, dtype=STRING_DTYPE)
                           .where(cleaned.to_numpy() != "{}"))
    result = _segment(events, args)
    for col in (STEP_ID, STEP, CASE_ID, TASK, CONFIDENCE):
        values = added[col].array.copy()
        values[rows] = result[col].to_numpy()[from_input]
        added[col] = pd.Series(values)
    return pd.concat([_rename_collisions(raw.drop(columns=_MARKER)), pd.DataFrame(added)], axis=1), n_quarantined


def _segment_events(path: Path, args: argparse.Namespace) -> tuple[pd.DataFrame, int]:
    events, n_quarantined = _read(path, args)
    result = _segment(events, args)
    ordered = result.sort_values(EVENT_ID, kind="stable").reset_index(drop=True)
    columns = [c for c in events.columns if c not in ADDED]
    out = _rename_collisions(ordered[columns + [c for c in events.columns if c in ADDED]])
    added = _added(len(ordered))
    for col in (STEP_ID, STEP, CASE_ID, TASK, CONFIDENCE):
        added[col] = ordered[col]
    return pd.concat([out, pd.DataFrame(added)], axis=1), n_quarantined


def segment_file(args: argparse.Namespace) -> tuple[pd.DataFrame, int]:
    """The output frame for the parsed arguments, and the number of quarantined records.

    Examples
    --------
    >>> import argparse, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> _ = open(path, "w").write("caseID,eventType,timeStamp,source,Label\\n"
    ...                           "1,clickButton,2019-02-19T03:38:31.823Z,Web,New\\n"
    ...                           "1,clickButton,2019-02-19T03:39:31.823Z,Web,Save\\n")
    >>> args = argparse.Namespace(input=path, format="leno", tz=None, method="idle_gap", param=[],
    ...                           detail="element", quiet=True)
    >>> frame, quarantined = segment_file(args)
    >>> frame[["Label", "row", "step", "case_id"]].values.tolist()
    [['New', 0, "Click 'New' in Chrome", 'log-1'], ['Save', 1, "Click 'Save' in Chrome", 'log-1']]
    """
    source = Path(args.input)
    if not source.exists():
        raise IngestError("no such file or folder", path=source)
    if _is_csv(source, args.format):
        return _segment_csv(source, args)
    return _segment_events(source, args)


def _write(frame: pd.DataFrame, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.name.lower().endswith(".parquet"):
        frame.to_parquet(out, index=False)
    else:
        frame.to_csv(out, index=False)


def _run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if not out.name.lower().endswith(_OUT_SUFFIXES):
        raise ParameterError(f"-o {args.output}: the output must end in .csv or .parquet")
    frame, n_quarantined = segment_file(args)
    _write(frame, out)
    if not args.quiet:
        cases = frame[CASE_ID].nunique()
        note = f" ({n_quarantined} quarantined record(s) have no step)" if n_quarantined else ""
        print(f"wrote {len(frame)} rows, {frame[STEP_ID].nunique()} steps, {cases} cases "
              f"(method {args.method}) to {out}{note}", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``segment`` subcommand."""
    p = subparsers.add_parser(
        "segment", help="cut a UI log into steps and task instances",
        description="Segment a UI log: one output row per input row with row, step_id, step, case_id, task.")
    p.add_argument("input", metavar="INPUT", help="a UI log file (or a native recording folder)")
    add_input_options(p)
    p.add_argument("--method", default="auto", help="segmenter name (see list_segmenters); default auto")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="segmenter parameter, repeatable; values parsed as JSON when possible")
    p.add_argument("--detail", default="element", choices=["element", "role", "app"],
                   help="how much of the element a step label names")
    p.add_argument("-o", "--output", required=True, metavar="OUTPUT", help="OUTPUT.csv or OUTPUT.parquet")
    p.add_argument("--quiet", action="store_true", help="no progress bars or notices")
    p.set_defaults(func=_run)
