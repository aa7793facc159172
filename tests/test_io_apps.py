"""Application names from process names, product names and window titles: a title never becomes the app."""

from __future__ import annotations

import pandas as pd
import pytest

from taskmining.io._apps import DIALOG_TITLES, app_and_title, normalise_app


@pytest.mark.parametrize(("raw", "app"), [
    ("EXCEL.EXE", "excel"), ("Book1 - Excel", "excel"), ("Presentation2 - PowerPoint", "powerpoint"),
    ("POWERPNT.EXE", "powerpoint"), ("Inbox - a@b.de - Outlook", "outlook"), ("WINWORD.EXE", "word"),
    ("x - Personal - Microsoft\u200b Edge", "edge"), ("Outlook Send/Receive Progress", "outlook"),
    ("Anaconda Prompt (anaconda3) - python  main.py", "terminal"), ("OpenOffice Calc", "openoffice"),
    ("Running Example.csv - OpenOffice Calc", "openoffice"), ("OpenOffice 4.1.14", "openoffice"),
    ("soffice.bin", "libreoffice"), ("Microsoft OneDrive", "onedrive"),
    ("Search Results in Literatur", "explorer"), ("Suchergebnisse in Dokumente", "explorer"),
])
def test_process_product_and_title_spellings_give_one_name(raw: str, app: str) -> None:
    assert normalise_app(pd.Series([raw])).tolist() == [app]


def test_a_value_that_is_the_rows_own_title_or_a_dialog_is_no_application() -> None:
    values = pd.Series(["Banking", "Save As", "Explorer", "Citavi", "Citavi 6 Startfenster", None])
    titles = pd.Series(["Banking", None, "Banking", None, None, None])
    app, title = app_and_title(values, titles=titles)
    assert app.isna().tolist() == [True, True, False, False, False, True]
    assert app.tolist()[2:5] == ["explorer", "citavi", "citavi"]
    assert title.tolist()[:2] == ["Banking", "Save As"]
    assert {"open", "save as", "speichern unter"} <= DIALOG_TITLES


def test_the_same_value_with_different_titles_is_judged_per_row() -> None:
    app, _ = app_and_title(pd.Series(["Downloads", "Downloads"]), titles=pd.Series(["Downloads", "Other"]))
    assert app.isna().tolist() == [True, False]


def test_smartrpa_title_rows_take_the_application_used_before(tmp_path: object) -> None:
    import taskmining as tm
    from pathlib import Path

    p = Path(str(tmp_path)) / "log.csv"
    p.write_text("timestamp;user;category;application;event_type;title\n"
                 "2024-01-01T10:00:00;u;MouseClick;EXCEL.EXE;clickButton;\n"
                 "2024-01-01T10:00:01;u;OperatingSystem;Save As;hotkey;Save As\n"
                 "2024-01-01T10:00:02;u;OperatingSystem;Banking;paste;Banking\n", encoding="utf-8")
    ev = tm.read_events(p, tz="Europe/Berlin")
    assert ev["app"].astype(str).tolist() == ["excel", "excel", "excel"]
    assert ev["window"].tolist()[1:] == ["Save As", "Banking"]


def test_an_explorer_search_window_is_explorer_also_as_the_last_part_of_its_title() -> None:
    app, title = app_and_title(pd.Series(["Search Results in Literatur"]),
                               titles=pd.Series(["Robotic Process Automation - Search Results in Literatur"]))
    assert app.tolist() == ["explorer"] and title.tolist() == ["Search Results in Literatur"]


def test_no_real_recording_names_an_application_after_a_window_title() -> None:
    import warnings

    from syspart import SHARED_DATA, require

    import taskmining as tm

    real = SHARED_DATA / "real-recordings"
    require(real.is_dir(), f"real recordings not found at {real}")
    for path in sorted(real.iterdir()):
        if path.suffix == ".md":
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            events = tm.read_events(path, tz="Europe/Berlin")
        apps = events["app"].dropna().astype(str)
        assert not apps.str.contains(" - | in ", regex=True).any(), (path.name, sorted(set(apps))[:20])
