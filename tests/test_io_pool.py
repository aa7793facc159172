"""The Arrow memory pool readers switch to while they run, and put back."""

from __future__ import annotations

import pyarrow as pa
import pytest

import taskmining as tm
from taskmining.datasets import sample_recording_path
from taskmining.errors import IngestError, ParameterError
from taskmining.io._pool import ENV, reader_pool, reading_pool


def _has_jemalloc() -> bool:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    return True


def test_read_uses_jemalloc_and_restores_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    before = pa.default_memory_pool().backend_name
    seen: list[str] = []
    import taskmining.io.formats.native as native

    real = native.finish

    def spy(*args, **kwargs):
        seen.append(pa.default_memory_pool().backend_name)
        return real(*args, **kwargs)

    monkeypatch.setattr(native, "finish", spy)
    events = tm.read_events(sample_recording_path(), progress=False)
    assert len(events) > 0 and seen
    assert seen[0] == ("jemalloc" if _has_jemalloc() else before)
    assert pa.default_memory_pool().backend_name == before


def test_the_environment_variable_chooses_or_leaves_the_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "system")
    assert reader_pool().backend_name == "system"
    monkeypatch.setenv(ENV, "default")
    before = pa.default_memory_pool().backend_name
    with reading_pool() as pool:
        assert pool.backend_name == before == pa.default_memory_pool().backend_name
    monkeypatch.setenv(ENV, "tcmalloc")
    with pytest.raises(ParameterError, match="TASKMINING_ARROW_POOL='tcmalloc'"):
        reader_pool()


def test_pool_is_restored_when_the_read_fails(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv(ENV, "system")
    before = pa.default_memory_pool().backend_name
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"timestamp": "2026-01-05T09:00:00Z", "session": "s", "action": "click"}\n{oops\n')
    with pytest.raises(IngestError, match="bad.jsonl, line 2"):
        tm.read_events(bad, errors="raise", progress=False)
    assert pa.default_memory_pool().backend_name == before
