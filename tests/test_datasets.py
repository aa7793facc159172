"""The simulator: determinism, contract, ground truth, native recording, process log."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import taskmining as tm
from taskmining.datasets import sample_recording_path, simulate, simulate_process_log
from taskmining.datasets._hashing import salted_hash
from taskmining.datasets._model import Loop, S, Seq, Shuffle, Step, click
from taskmining.datasets._native import RECORD_KEYS
from taskmining.datasets.routines import INTERRUPTIONS, ROUTINES
from taskmining.errors import ParameterError
from taskmining.schema import ACTIONS, COLUMNS, validate_events

TRUTH = ["true_step", "true_case", "true_task", "true_object"]


@pytest.fixture(scope="module")
def team() -> pd.DataFrame:
    """Three users, two days, every routine: the frame most tests look at."""
    return simulate(n_users=3, n_days=2, seed=11, hours=3.0)


def _case_runs(ev: pd.DataFrame) -> pd.DataFrame:
    """Per case: the step labels in order with consecutive repeats collapsed."""
    c = ev[ev["true_case"].notna()]
    new = (c["true_step"] != c.groupby("true_case")["true_step"].shift()).to_numpy()
    runs = c[new]
    return runs.groupby("true_case").agg(task=("true_task", "first"), steps=("true_step", list))


# --- determinism and contract ---------------------------------------------------

def test_same_seed_same_frame_other_seed_other_frame() -> None:
    a = simulate(n_users=2, seed=5, hours=1.0)
    b = simulate(n_users=2, seed=5, hours=1.0)
    c = simulate(n_users=2, seed=6, hours=1.0)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) != len(c) or not a["timestamp"].equals(c["timestamp"])


def test_frame_meets_the_contract(team: pd.DataFrame) -> None:
    assert list(team.columns) == [*COLUMNS, *TRUTH]
    pd.testing.assert_frame_equal(validate_events(team), team)
    assert set(team["source"].unique()) == {"simulator"}
    assert set(team["action"].astype(str)) <= set(ACTIONS)
    assert team["event_id"].is_unique
    assert str(team["timestamp"].dt.tz) == "UTC"
    for col in ("user", "session", "raw_action"):
        assert isinstance(team[col].dtype, pd.CategoricalDtype), col
    for col in ("window", "value", *TRUTH):
        assert team[col].dtype == tm.schema.STRING_DTYPE, col


def test_one_session_per_user_day_in_working_hours(team: pd.DataFrame) -> None:
    per_session = team.groupby("session", observed=True).agg(user=("user", "first"), users=("user", "nunique"),
                                             start=("timestamp", "min"), end=("timestamp", "max"))
    assert len(per_session) == 6 and (per_session["users"] == 1).all()
    assert per_session["user"].value_counts().tolist() == [2, 2, 2]
    local = per_session["start"].dt.tz_convert("Europe/Berlin")
    assert ((local.dt.hour >= 8) & (local.dt.hour < 10)).all()
    assert (local.dt.day_of_week < 5).all()


def test_parameter_errors_name_the_parameter() -> None:
    with pytest.raises(ParameterError, match="n_users"):
        simulate(n_users=0)
    with pytest.raises(ParameterError, match="routines"):
        simulate(routines=["invoice_entry", "juggling"])
    with pytest.raises(ParameterError, match="noise"):
        simulate(noise=1.5)
    with pytest.raises(ParameterError, match="routines"):
        simulate(routines=9)


def test_routines_by_count_and_by_name() -> None:
    two = simulate(n_users=1, routines=2, seed=1, hours=2.0)
    assert set(two["true_task"].dropna()) <= set(list(ROUTINES)[:2])
    named = simulate(n_users=1, routines=["address_change"], seed=1, hours=1.0)
    assert set(named["true_task"].dropna()) == {"address_change"}


# --- ground truth -------------------------------------------------------------------

def test_every_case_lies_in_one_session_with_one_task_and_object(team: pd.DataFrame) -> None:
    g = team[team["true_case"].notna()].groupby("true_case")
    assert (g["session"].nunique() == 1).all()
    assert (g["true_task"].nunique() == 1).all()
    assert (g["true_object"].nunique() == 1).all()
    assert g["timestamp"].apply(lambda s: s.is_monotonic_increasing).all()
    assert team.loc[team["true_case"].isna(), ["true_task", "true_object"]].isna().all().all()
    assert team["true_step"].notna().all()


def test_each_case_follows_its_routine_model(team: pd.DataFrame) -> None:
    runs = _case_runs(team)
    assert set(runs["task"]) == set(ROUTINES)
    bad = [(t, s) for t, s in zip(runs["task"], runs["steps"]) if not ROUTINES[t].model.accepts(s)]
    assert not bad, bad[:1]


def test_model_acceptance_rejects_wrong_orders() -> None:
    model = ROUTINES["invoice_entry"].model
    ok = [s.label for s, _ in model.sample(__import__("random").Random(3))]
    assert model.accepts(ok)
    assert not model.accepts(ok[::-1])
    assert not model.accepts(ok[:-1] + ["Check calendar"])
    a, b, c = (Step(x, "excel", "W", (click("cell", x),)) for x in "abc")
    tree = Seq(Shuffle(S(a), S(b)), Loop(S(c), 1, 2))
    assert tree.accepts(["b", "a", "c", "c"]) and not tree.accepts(["a", "c"])


def test_copy_and_paste_carry_the_same_hash_within_a_case(team: pd.DataFrame) -> None:
    c = team[team["true_case"].notna()]
    pastes = c[c["action"] == "paste"]
    copies = c[c["action"] == "copy"]
    assert len(pastes) > 50
    first_copy = copies.groupby(["true_case", "value"])["timestamp"].min()
    key = pd.MultiIndex.from_arrays([pastes["true_case"], pastes["value"]])
    found = first_copy.reindex(key)
    assert found.notna().all(), "a paste without a copy of the same content in its case"
    assert (found.to_numpy() < pastes["timestamp"].to_numpy()).all()
    assert team.loc[team["action"].isin(["copy", "paste", "edit"]), "value"].str.fullmatch(r"h:[0-9a-f]{16}").all()


def test_hash_is_hmac_sha256_of_the_salt() -> None:
    ev = simulate(n_users=1, routines=["customer_lookup"], seed=2, hours=0.5, salt="pepper-salt")
    search = ev[(ev["true_step"] == "Search customer in CRM") & (ev["action"] == "edit")].iloc[0]
    assert search["value"] == salted_hash(search["true_object"], "pepper-salt")
    other = simulate(n_users=1, routines=["customer_lookup"], seed=2, hours=0.5, salt="other-salt")
    assert set(other["value"].dropna()).isdisjoint(set(ev["value"].dropna()))


@pytest.mark.parametrize("rate", [0.0, 0.35])
def test_interleaving_fraction_follows_the_parameter(rate: float) -> None:
    ev = simulate(n_users=4, n_days=2, seed=3, interleave=rate, interruptions=0.0, noise=0.0, hours=4.0)
    c = ev[ev["true_case"].notna()].reset_index()
    pos = c.groupby("true_case")["index"].agg(["min", "max", "size"])
    # a case is interleaved when another case's event lies between its first and last event
    other_between = []
    case_rows = c.set_index("index")["true_case"]
    for name, row in pos.iterrows():
        span = case_rows.loc[row["min"]:row["max"]]
        other_between.append(bool((span != name).any()))
    frac = float(np.mean(other_between))
    assert len(pos) > 150
    assert abs(frac - rate) < 0.07, frac


def test_noise_interruptions_and_idle_have_no_case(team: pd.DataFrame) -> None:
    noise = team["true_step"] == "Noise"
    assert 0.02 < noise.mean() < 0.08
    assert team.loc[noise, "true_case"].isna().all()
    assert set(team.loc[noise, "action"].astype(str)) == {"click", "scroll"}
    labels = {s.label for r in INTERRUPTIONS.values() for s in r.model.steps()}
    intr = team["true_step"].isin(labels)
    assert intr.any() and team.loc[intr, "true_case"].isna().all()
    idle = team[team["action"] == "idle"]
    assert set(idle["raw_action"]) <= {"afk", "outside_allowlist"} and len(idle) > 0
    assert (idle["duration"] > 0).all() and idle["app"].isna().all() and idle["true_case"].isna().all()
    assert team.loc[team["action"] != "idle", "duration"].isna().all()


def test_lunch_break_in_a_full_day() -> None:
    ev = simulate(n_users=1, seed=8, hours=8.0, noise=0.0)
    afk = ev[(ev["action"] == "idle") & (ev["raw_action"] == "afk")]
    assert len(afk) == 1 and 1800 <= afk["duration"].iloc[0] <= 3600
    gap = (ev["timestamp"].shift(-1) - ev["timestamp"]).dt.total_seconds()[afk.index[0]]
    assert gap >= afk["duration"].iloc[0]


def test_app_switch_wherever_the_application_changes(team: pd.DataFrame) -> None:
    for _, s in team.groupby("session"):
        app = s["app"].astype(object).ffill()
        prev = app.shift()
        changed = (app != prev) & prev.notna() & s["app"].notna()
        assert changed.sum() > 20
        assert (s.loc[changed, "action"] == "app_switch").all()
        assert (s.loc[s["action"] == "app_switch", "element_role"] == "window").all()


def test_keystrokes_typing_speed_and_key_classes(team: pd.DataFrame) -> None:
    keys = team[team["action"] == "key"]
    classes = keys["attrs"].map(lambda a: json.loads(a)["key_class"])
    assert set(classes) == {"character", "digit", "navigation", "editing", "shortcut"}
    assert keys["value"].isna().all()
    shortcuts = keys[classes == "shortcut"]["attrs"].map(lambda a: json.loads(a)["keys"])
    assert {"ctrl+c", "ctrl+v"} <= set(shortcuts)
    typed = keys[classes.isin(["character", "digit"])]
    same_step = typed["true_step"].eq(typed["true_step"].shift()) & typed["session"].eq(typed["session"].shift())
    gaps = typed["timestamp"].diff().dt.total_seconds()[same_step]
    assert 0.08 < gaps.median() < 0.4


def test_keep_text_stores_typed_characters() -> None:
    ev = simulate(n_users=1, routines=["address_change"], seed=9, hours=0.5, keep_text=True, noise=0.0)
    keys = ev[(ev["action"] == "key") & ev["attrs"].str.contains('"digit"|"character"', regex=True)]
    assert keys["value"].str.len().eq(1).all()
    search = keys[keys["true_step"] == "Type customer number into CRM"]
    if len(search):
        case = search["true_case"].iloc[0]
        text = "".join(search.loc[search["true_case"] == case, "value"])
        assert text == search["true_object"].iloc[0]


def test_window_titles_carry_the_business_key(team: pd.DataFrame) -> None:
    inv = team[team["true_task"] == "invoice_entry"]
    has_key = [o in w for o, w in zip(inv["true_object"], inv["window"].fillna(""))]
    per_case = pd.Series(has_key, index=inv.index).groupby(inv["true_case"]).any()
    assert per_case.all()
    assert inv["window"].str.contains(r"INV-2026-\d{6} - Invoice - Outlook", regex=True).any()


# --- process log ----------------------------------------------------------------------

def test_process_log_links_to_the_desktop_cases(team: pd.DataFrame) -> None:
    log = simulate_process_log(team, seed=1)
    assert list(log.columns) == ["case:concept:name", "concept:name", "time:timestamp", "org:resource",
                                 "case:object_type"]
    assert str(log["time:timestamp"].dt.tz) == "UTC"
    objects = set(team["true_object"].dropna())
    assert objects <= set(log["case:concept:name"])
    assert log["case:concept:name"].str.startswith("X-").any()
    inv = team[team["true_task"] == "invoice_entry"].groupby("true_object").agg(
        start=("timestamp", "min"), end=("timestamp", "max"), user=("user", "first"))
    created = log[log["concept:name"] == "Create Invoice"].groupby("case:concept:name").agg(
        t=("time:timestamp", "min"), who=("org:resource", "first")).reindex(inv.index)
    lag = (created["t"] - inv["end"]).dt.total_seconds()
    assert ((lag > 0) & (lag <= 30)).all()
    assert (created["who"] == inv["user"]).all()
    received = log[log["concept:name"] == "Receive Invoice"].groupby("case:concept:name")["time:timestamp"].min()
    assert (received.reindex(inv.index) < inv["start"]).all()


def test_process_log_needs_ground_truth() -> None:
    with pytest.raises(ParameterError, match="true_case"):
        simulate_process_log(pd.DataFrame({"timestamp": [], "user": []}))


# --- native recording -------------------------------------------------------------------

def _records(folder: Path) -> list[dict]:
    out = []
    for f in sorted(folder.glob("*/segment-*.jsonl")):
        out += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()]
    return out


def test_native_recording_layout_and_records(tmp_path: Path) -> None:
    ev = simulate(n_users=2, seed=4, hours=1.5, path=tmp_path / "rec")
    root = tmp_path / "rec"
    manifest = json.loads((root / "manifest.json").read_text())
    assert manifest["events"] == len(ev) and len(manifest["sessions"]) == 2
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == sorted(ev["session"].unique())
    assert all(len(s["segments"]) >= 2 for s in manifest["sessions"])  # rotated every hour
    recs = _records(root)
    assert len(recs) == len(ev)
    assert all(list(r) == [k for k in RECORD_KEYS if k in r] for r in recs[:100])  # record key order
    by_id = ev.set_index("event_id")
    for r in recs[:300]:  # a missing value leaves its key out; ground truth is always there
        row = by_id.loc[r["event_id"]]
        for k in ("app", "window", "element_role", "element_name", "element_id", "value", "url", "duration", "attrs"):
            assert (k in r) == (not pd.isna(row[k])), (k, r)
        assert all(k in r for k in ("true_step", "true_case", "true_task", "true_object"))
    assert any("duration" not in r for r in recs) and any("duration" in r for r in recs)
    first = recs[0]
    assert first["timestamp"].endswith("Z") and first["v"] == 1 and first["seq"] == 1
    row = ev.iloc[0]
    for k in ("user", "session", "window", "element_name", "true_step", "true_case", "true_task", "true_object"):
        assert first.get(k) == (None if pd.isna(row[k]) else row[k]), k
    pastes = [r for r in recs if r["action"] == "paste"]
    assert pastes and all(r.get("value", "").startswith("h:") for r in pastes)
    keys = [r for r in recs if r["action"] == "key"]
    assert all(isinstance(r["attrs"], dict) and "key_class" in r["attrs"] for r in keys)
    assert {r["seq"] for r in recs} >= {1, 2, 3}


def test_native_recording_reads_back_with_read_events(tmp_path: Path) -> None:
    ev = simulate(n_users=2, seed=4, hours=1.0, path=tmp_path / "rec")
    back = tm.read_events(tmp_path / "rec")
    assert len(back) == len(ev)
    same = [c for c in ev.columns if c not in ("attrs", "true_object")]
    pd.testing.assert_frame_equal(back[same], ev[same], check_categorical=False)
    if "true_object" in back.columns:
        pd.testing.assert_series_equal(back["true_object"], ev["true_object"])
    else:  # kept inside attrs by a reader that does not know the column
        inner = back["attrs"].map(lambda a: json.loads(a) if isinstance(a, str) else {})
        assert inner.map(lambda d: d.get("true_object")).fillna("").tolist() == ev["true_object"].fillna("").tolist()


def test_bundled_sample_recording_is_current_and_readable(tmp_path: Path) -> None:
    sample = sample_recording_path()
    assert (sample / "manifest.json").is_file()
    manifest = json.loads((sample / "manifest.json").read_text())
    params = {k: manifest[k] for k in ("n_users", "n_days", "seed", "hours")}
    fresh = simulate(**params, path=tmp_path / "fresh")
    for f in sorted(sample.glob("*/segment-*.jsonl")):
        assert f.read_bytes() == (tmp_path / "fresh" / f.relative_to(sample)).read_bytes(), f
    assert 3000 <= len(fresh) <= 8000
    back = tm.read_events(sample)
    assert len(back) == len(fresh) and back["user"].nunique() == 2


def test_large_frame_path_meets_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    module = sys.modules["taskmining.datasets.simulate"]
    monkeypatch.setattr(module, "_FULL_CHECK", 500)  # take the sliced-validation path
    ev = simulate(n_users=2, seed=3, hours=1.0)
    assert len(ev) > 500
    pd.testing.assert_frame_equal(validate_events(ev), ev)
