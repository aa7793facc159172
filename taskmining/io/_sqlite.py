"""Reading the SQLite databases of desktop trackers (Tockler, selfspy, OCEL 2.0) safely.

Databases are opened read-only and immutable (nothing is written, no lock is
taken, a damaged file is never "repaired"); every SQLite error becomes an
:class:`IngestError` naming the file.

Examples
--------
>>> import os, sqlite3, tempfile
>>> p = os.path.join(tempfile.mkdtemp(), "t.db")
>>> con = sqlite3.connect(p); _ = con.execute("create table a (x integer)"); con.commit(); con.close()
>>> sorted(tables(p)), is_sqlite(open(p, "rb").read(16))
(['a'], True)
"""

from __future__ import annotations

import sqlite3
from os import PathLike
from pathlib import Path

import pandas as pd

from taskmining.errors import IngestError

__all__ = ["is_sqlite", "query", "tables"]

_MAGIC = b"SQLite format 3\x00"


def is_sqlite(head: bytes) -> bool:
    """True when ``head`` starts with the SQLite file header."""
    return head.startswith(_MAGIC)


def _connect(path: str | PathLike[str]) -> sqlite3.Connection:
    uri = Path(path).resolve().as_uri() + "?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True)


def tables(path: str | PathLike[str]) -> set[str]:
    """The table names of a database; empty when the file is not a readable database."""
    try:
        con = _connect(path)
        try:
            return {r[0] for r in con.execute("select name from sqlite_master where type in ('table', 'view')")}
        finally:
            con.close()
    except (sqlite3.Error, OSError, ValueError):
        return set()


def query(path: str | PathLike[str], sql: str) -> pd.DataFrame:
    """The result of ``sql`` on the database at ``path``; SQLite errors are an :class:`IngestError`."""
    try:
        con = _connect(path)
        try:
            con.text_factory = lambda b: b.decode("utf-8", errors="replace")
            return pd.read_sql_query(sql, con)
        finally:
            con.close()
    except (sqlite3.Error, pd.errors.DatabaseError, OverflowError, ValueError) as exc:
        raise IngestError(f"cannot read the database: {exc}", path=path) from None
