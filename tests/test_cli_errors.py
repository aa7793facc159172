"""CLI errors a new user meets: every command fails the same way on the same bad file, messages name
the user's file (never an internal copy or column) and describe binary data instead of printing it,
and a folder of mixed files says what it did not read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import taskmining as tm
from taskmining.cli import main
from taskmining.io.read import LeftOutFilesWarning

ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 2


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {"empty": tmp_path / "empty.csv", "iris": tmp_path / "iris.csv", "binary": tmp_path / "data.csv"}
    out["empty"].write_bytes(b"")
    out["iris"].write_text("sepal_length,sepal_width,species\n5.1,3.5,setosa\n4.9,3.0,setosa\n")
    out["binary"].write_bytes(ELF)
    return out


@pytest.mark.parametrize("name", ["empty", "iris", "binary"])
def test_segment_fails_like_info(capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path,
                                 name: str) -> None:
    path = files[name]
    info_code, info_err = _run(capsys, "info", str(path))
    seg_code, seg_err = _run(capsys, "segment", str(path), "-o", str(tmp_path / "out.csv"))
    assert info_code == seg_code == 2
    assert seg_err.startswith(f"taskmining segment: error: {path}: ")
    assert seg_err.split(": error: ", 1)[1] == info_err.split(": error: ", 1)[1]
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("fmt", ["auto", "leno", "actionlogger", "generic"])
def test_unrelated_csv_names_the_users_file_only(capsys: pytest.CaptureFixture[str], files: dict[str, Path],
                                                 tmp_path: Path, fmt: str) -> None:
    code, err = _run(capsys, "segment", str(files["iris"]), "--format", fmt, "-o", str(tmp_path / "o.csv"))
    assert code == 2 and str(files["iris"]) in err
    assert "taskmining-segment-" not in err and "_taskmining_row" not in err


def test_binary_data_is_described_not_printed(capsys: pytest.CaptureFixture[str], files: dict[str, Path],
                                              tmp_path: Path) -> None:
    code, err = _run(capsys, "info", str(files["binary"]))
    assert code == 2 and "binary data (ELF executable; first bytes 7f 45 4c 46 02 01 01 00)" in err
    assert err.isprintable() or err.rstrip("\n").isprintable()
    code, err = _run(capsys, "segment", str(files["binary"]), "--format", "leno", "-o", str(tmp_path / "o.csv"))
    assert code == 2 and err.rstrip("\n").isprintable() and str(files["binary"]) in err


def test_header_only_csv_of_a_known_format_writes_zero_rows(capsys: pytest.CaptureFixture[str],
                                                            tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("caseID,eventType,timeStamp,source,Label\n")
    code, err = _run(capsys, "segment", str(path), "--format", "leno", "-o", str(tmp_path / "o.csv"))
    assert code == 0 and "wrote 0 rows" in err


def test_mixed_folder_names_the_files_it_did_not_read(capsys: pytest.CaptureFixture[str], files: dict[str, Path],
                                                      tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    tm.simulate(n_users=1, hours=0.1, seed=2, path=folder / "rec")
    shutil.copy(files["iris"], folder / "iris.csv")
    (folder / "notes").mkdir()
    shutil.copy(files["binary"], folder / "notes" / "notes.txt")
    with pytest.warns(LeftOutFilesWarning, match=r"2 other file\(s\) not read: iris\.csv, notes/notes\.txt") as rec:
        events = tm.read_events(folder, progress=False)
    assert len(events) > 0 and rec[0].filename == __file__
    code, err = _run(capsys, "info", str(folder))
    assert code == 0
    assert "taskmining info: warning: " in err and "iris.csv, notes/notes.txt" in err


def test_recording_alone_reads_without_a_warning(tmp_path: Path) -> None:
    import warnings

    tm.simulate(n_users=1, hours=0.1, seed=2, path=tmp_path / "rec")
    with warnings.catch_warnings():
        warnings.simplefilter("error", LeftOutFilesWarning)
        assert len(tm.read_events(tmp_path / "rec", progress=False)) > 0
