"""The rustxes engine's notices about attributes of several types are dropped; other stderr text is kept."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest

from taskmining.io.formats._stderr import RUSTXES_DTYPES, dropping
from taskmining.io.formats.xes import read_xes

MIXED = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0">
<trace><string key="concept:name" value="c1"/>
<event><string key="concept:name" value="a"/><date key="time:timestamp" value="2026-01-05T09:00:00.000+00:00"/>
<int key="n" value="1"/><string key="v" value="x"/></event>
<event><string key="concept:name" value="b"/><date key="time:timestamp" value="2026-01-05T09:00:01.000+00:00"/>
<string key="n" value="two"/><int key="v" value="3"/><float key="f" value="1.5"/></event>
<event><string key="concept:name" value="b"/><date key="time:timestamp" value="2026-01-05T09:00:02.000+00:00"/>
<boolean key="f" value="true"/></event>
</trace></log>
"""


def test_rustxes_engine_prints_no_dtype_notice_and_reads_the_pure_frame(tmp_path: Path,
                                                                          capfd: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("rustxes")
    path = tmp_path / "mixed.xes"
    path.write_text(MIXED, encoding="utf-8")
    capfd.readouterr()
    fast = read_xes(path, engine="rustxes")
    out, err = capfd.readouterr()
    assert "different dtypes" not in err and "different dtypes" not in out
    pd.testing.assert_frame_equal(fast, read_xes(path, engine="pure"))
    assert fast["n"].iloc[:2].tolist() == ["1", "two"]


def test_dropping_keeps_every_other_line_in_order(capfd: pytest.CaptureFixture[str]) -> None:
    with dropping(RUSTXES_DTYPES):
        os.write(2, b"first\n")
        os.write(2, b"Warning: Attribute k contains values of different dtypes ({String, Int64})\n")
        os.write(2, b"thread panicked at src/lib.rs\n")
    err = capfd.readouterr().err
    assert err == "first\nthread panicked at src/lib.rs\n"


def test_dropping_restores_stderr_after_an_error(capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(RuntimeError), dropping(re.compile("^x$")):
        os.write(2, b"kept\n")
        raise RuntimeError("boom")
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "kept\nafter\n"
