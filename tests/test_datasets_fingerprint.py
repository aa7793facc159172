"""Fingerprints of every data generator: the same arguments and seed give the same bytes.

The segmentation benchmarks, the conformance suite and many tests measure on
these generators, so a change to how routines are modelled or rendered must
not change what they produce. Each case hashes a generated frame value by
value (independent of the pandas version's CSV or dtype spelling); the hashes
were computed before the generators were moved onto one routine model. A
deliberate change to a generator's output updates its hash here, with the
reason in the commit.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from taskmining.datasets import simulate
from taskmining.datasets.actionlogger import simulate_actionlogger, write_actionlogger
from taskmining.datasets.routine_steps import routine_steps
from taskmining.testing import make_steps


def _token(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return "\x00"
    if isinstance(value, float):
        return "\x00" if math.isnan(value) else repr(value)
    if isinstance(value, pd.Timestamp):
        return f"{value.value}@{value.tz}"
    return f"{type(value).__name__}:{value}"


def fingerprint(frame: pd.DataFrame) -> str:
    """A hash of a frame's column names and values (not of its dtypes' spelling)."""
    digest = hashlib.sha256()
    for col in frame.columns:
        digest.update(f"\x01{col}\x02".encode())
        for value in frame[col].tolist():
            digest.update(_token(value).encode("utf-8", "surrogatepass") + b"\x03")
    return digest.hexdigest()[:16]


CASES: dict[str, Callable[[], pd.DataFrame]] = {
    "simulate-1u": lambda: simulate(n_users=1, seed=2, hours=0.5),
    "simulate-2u-heavy": lambda: simulate(n_users=2, n_days=1, seed=1, hours=1.0, keep_text=True, noise=0.1,
                                          interleave=0.5, interruptions=0.5),
    "simulate-invoice": lambda: simulate(n_users=1, routines=["invoice_entry"], seed=4, hours=0.5),
    "simulate-2u-2days": lambda: simulate(n_users=2, n_days=2, seed=0, hours=2.0, routines=3),
    "actionlogger-copy_paste": lambda: simulate_actionlogger(["copy_paste"], n_instances=30, seed=1),
    "actionlogger-all": lambda: simulate_actionlogger(["copy_paste", "form_filling", "erp_replay"], n_instances=40,
                                                      seed=3, interleave=0.5, duplicates=0.2, noise=0.3),
    "actionlogger-erp": lambda: simulate_actionlogger(["erp_replay"], n_instances=20, seed=3),
    "routine_steps-default": lambda: routine_steps(100, seed=0),
    "routine_steps-mixed": lambda: routine_steps(150, interleave=0.3, noise=0.05, n_sessions=2, seed=5),
    "routine_steps-invoice": lambda: routine_steps(50, tasks=("invoice",), seed=2),
    "make_steps-default": lambda: pd.concat(make_steps(), axis=1),
    "make_steps-3x5": lambda: pd.concat(make_steps(n_sessions=3, n_cases=5, seed=9), axis=1),
}

#: computed on the generators as they were before the one routine model
EXPECTED = {
    "simulate-1u": "37739ab45cc96cba",
    "simulate-2u-heavy": "a12294b4dc9676ee",
    "simulate-invoice": "d33db3a935b0c957",
    "simulate-2u-2days": "4a39c13dca63f937",
    "actionlogger-copy_paste": "86d1e9dfc34d2c4c",
    "actionlogger-all": "1248fe45e8f36834",
    "actionlogger-erp": "7b861da52596a581",
    "routine_steps-default": "25d8308365eb80f7",
    "routine_steps-mixed": "633ee2284f2f91dd",
    "routine_steps-invoice": "47aee970e9e6c8b2",
    "make_steps-default": "f58160a46ef6a7e3",
    "make_steps-3x5": "a0a9928fe3bad980",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_generator_output_is_unchanged(name: str) -> None:
    assert fingerprint(CASES[name]()) == EXPECTED[name]


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\x00" + path.read_bytes())
    return digest.hexdigest()[:16]


def test_written_files_are_unchanged(tmp_path: Path) -> None:
    simulate(n_users=2, seed=3, hours=1.5, path=tmp_path / "rec")
    (tmp_path / "al").mkdir()
    write_actionlogger(simulate_actionlogger(["form_filling", "erp_replay"], n_instances=10, seed=2),
                       tmp_path / "al" / "log.csv")
    assert (_tree_digest(tmp_path / "rec"), _tree_digest(tmp_path / "al")) == ("66cb7b1d22abb535", "448472bf7555c338")
