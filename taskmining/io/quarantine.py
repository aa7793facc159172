"""Quarantine: bad input records kept aside with file, line, reason and raw text.

Readers never drop a record silently: a record that cannot be read either
raises (``errors="raise"``) or lands here (``errors="quarantine"``, the
default), so that ``len(events) + len(quarantine)`` always equals the number
of records in the input.

Examples
--------
>>> q = QuarantineLog()
>>> q.add("a.jsonl", 3, "invalid JSON", '{"timestamp": ')
>>> len(q), list(q.to_frame().columns)
(1, ['file', 'line', 'reason', 'raw'])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from taskmining.errors import IngestError

QUARANTINE_COLUMNS: tuple[str, ...] = ("file", "line", "reason", "raw")
_RAW_LIMIT = 10_000


@dataclass
class QuarantineLog:
    """Collects quarantined records; raises at once when ``errors="raise"``.

    Parameters
    ----------
    errors : {"quarantine", "raise"}
        With ``"raise"``, :meth:`add` raises :class:`IngestError` naming
        file and line instead of collecting.
    """

    errors: str = "quarantine"
    _rows: list[tuple[str, int | None, str, str | None]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def note(self, file: str, text: str) -> None:
        """Record what a reader assumed or repaired in ``file`` (an encoding, a repair): no record is lost."""
        self.notes.append(f"{file}: {text}")

    def add(self, file: str, line: int | None, reason: str, raw: str | None = None) -> None:
        """Record one bad record (``line`` is 1-based in ``file``)."""
        if self.errors == "raise":
            raise IngestError(reason, path=file, line=line)
        if raw is not None and len(raw) > _RAW_LIMIT:
            raw = raw[:_RAW_LIMIT] + "…"
        self._rows.append((str(file), line, reason, raw))

    def extend(self, frame: pd.DataFrame) -> None:
        """Add the rows of another quarantine frame."""
        if self.errors == "raise" and len(frame):
            first = frame.iloc[0]
            raise IngestError(str(first["reason"]), path=str(first["file"]),
                              line=None if pd.isna(first["line"]) else int(first["line"]))
        self._rows.extend(frame[list(QUARANTINE_COLUMNS)].itertuples(index=False, name=None))

    def __len__(self) -> int:
        return len(self._rows)

    def to_frame(self) -> pd.DataFrame:
        """The quarantined records: ``file``, ``line`` (Int64), ``reason``, ``raw``."""
        df = pd.DataFrame(self._rows, columns=list(QUARANTINE_COLUMNS))
        return df.astype({"file": "str", "line": "Int64", "reason": "str", "raw": "str"})


def empty_quarantine() -> pd.DataFrame:
    """An empty quarantine frame with the standard columns."""
    return QuarantineLog().to_frame()


@dataclass
class ReadResult:
    """What a format reader returns: the events and the quarantined records."""

    events: pd.DataFrame
    quarantine: pd.DataFrame = field(default_factory=empty_quarantine)
    format: str = ""
    notes: list[str] = field(default_factory=list)
