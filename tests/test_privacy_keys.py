"""Pseudonym key vs link key (finding 11), random session ids (finding 7), clipboard text (finding 6)."""

from __future__ import annotations

import re
import socket

import pandas as pd
import pytest

from taskmining.errors import PrivacyError
from taskmining.export.link import hash_keys
from taskmining.privacy import Allowlist, hash_value, pseudonym
from taskmining.privacy.keyring import KeySet, load_keys, read_link_key, write_link_key
from taskmining.privacy.redact import _token, redact_text
from taskmining.recorder.backends.base import Observation
from taskmining.recorder.filter import PrivacyFilter
from taskmining.recorder.session import Recorder, new_session_id

SECRET = b"recording-secret-for-tests"
T0 = 1.78e9


def _filter(keep_text: bool = False) -> PrivacyFilter:
    return PrivacyFilter(Allowlist(apps=["gedit"]), KeySet.derive(SECRET), session="s", user="u-1",
                         keep_text=keep_text)


def _clip(f: PrivacyFilter, text: str, action: str, t: float, **attrs) -> dict:
    recs = f.process(Observation("clipboard", t, app="gedit", title="notes", text=text, clipboard_action=action,
                                 attrs=attrs))
    return recs[-1]


def test_keys_are_distinct_and_not_derivable_from_each_other():
    k = KeySet.derive(SECRET)
    assert k.pseudonym != k.link and len(k.pseudonym) == len(k.link) == 32
    assert SECRET.hex() not in repr(k) and k.link.hex() not in repr(k)
    assert KeySet.derive(SECRET) == k and KeySet.derive(b"another-secret-0000") != k


def test_finding11_link_key_cannot_invert_pseudonyms_or_national_ids():
    keys = KeySet.derive(SECRET)
    logins = [f"user{i:03d}" for i in range(500)] + ["alice"]
    target = keys.user("alice")
    # the analyst holds only the link key: a dictionary attack finds nothing
    assert not [n for n in logins if pseudonym(n, keys.link) == target]
    assert [n for n in logins if pseudonym(n, keys.pseudonym) == target] == ["alice"]  # only the key holder can
    token = re.search(r"\[national_id:h:[0-9a-f]{16}\]", redact_text("NN 85.07.30-033.28", keys.pseudonym)).group(0)
    found = []
    for month in range(1, 13):  # every number of one birth year, printed form normalised as the recorder does
        for day in range(1, 32):
            for seq in range(0, 1000, 1):
                base = f"85{month:02d}{day:02d}{seq:03d}"
                norm = base + f"{97 - int(base) % 97:02d}"
                if _token("national_id", norm, keys.link) == token:
                    found.append(norm)
            if found:
                break
    assert found == []
    assert _token("national_id", "85073003328", keys.pseudonym) == token  # the same search with the right key works


def test_link_key_links_business_values_and_only_them(tmp_path):
    f = _filter()
    keys = f.keys
    business = _clip(f, "INV-2024-001", "copy", T0)
    assert business["value"] == hash_keys(pd.Series(["INV-2024-001"]), keys.link).iloc[0]
    personal = _clip(f, "jane.doe@example.com", "copy", T0 + 1)
    assert personal["value"] == hash_value("jane.doe@example.com", keys.pseudonym)
    assert personal["value"] != hash_value("jane.doe@example.com", keys.link)
    assert personal["attrs"]["personal"] is True
    p = write_link_key(keys, tmp_path / "link-key")
    assert read_link_key(p) == keys.link and (p.stat().st_mode & 0o777) == 0o600
    with pytest.raises(PrivacyError, match="exists"):
        write_link_key(keys, p)
    assert load_keys(tmp_path / "salt").link == load_keys(tmp_path / "salt").link


def test_finding7_session_ids_are_random_and_say_nothing_about_the_host(tmp_path):
    ids = {new_session_id() for _ in range(200)}
    assert len(ids) == 200
    host = socket.gethostname()
    old = hash_value(host, b"taskmining-session-host")[2:8]
    for sid in ids:
        assert re.fullmatch(r"\d{8}T\d{6}-[0-9a-f]{16}", sid)
        assert old not in sid and host not in sid
    r1 = Recorder(tmp_path / "a", allow=["gedit"], salt=SECRET, backends=[])
    r2 = Recorder(tmp_path / "a", allow=["gedit"], salt=SECRET, backends=[])
    assert r1.session != r2.session
    assert r1.session.rsplit("-", 1)[1] != r2.session.rsplit("-", 1)[1]


def test_finding6_keep_text_clipboard_is_redacted_and_only_from_allowlisted_owners():
    f = _filter(keep_text=True)
    copied = _clip(f, "Call Jane at +32 2 555 12 34", "copy", T0)
    assert "555 12 34" not in copied["attrs"]["text"] and "[phone:h:" in copied["attrs"]["text"]
    # pasted text copied in an allowlisted window of this session: kept (redacted)
    assert _clip(f, "Call Jane at +32 2 555 12 34", "paste", T0 + 1)["attrs"]["text"] == copied["attrs"]["text"]
    # pasted text copied elsewhere (a non-allowlisted app): hash and length only
    foreign = _clip(f, "SALARY 98000 for Bob", "paste", T0 + 2)
    assert "text" not in foreign["attrs"] and foreign["attrs"]["length"] == len("SALARY 98000 for Bob")
    # a backend that knows the selection owner is not allowlisted overrides everything
    denied = _clip(f, "Call Jane at +32 2 555 12 34", "paste", T0 + 3, clipboard_owner_allowed=False)
    assert "text" not in denied["attrs"]
    # without keep_text no text at all
    assert "text" not in _clip(_filter(), "INV-1", "copy", T0)["attrs"]


def test_clipboard_text_of_no_business_key_shape_cannot_be_tested_with_the_link_key():
    # a copied person name in no name list: a link key holder testing guesses must find nothing
    keys = KeySet.derive(SECRET)
    f = _filter()
    name = _clip(f, "Zbigniew Brzęczyszczykiewicz", "copy", 1.0)
    assert name["value"] != hash_value("Zbigniew Brzęczyszczykiewicz", keys.link)
    assert name["value"] == hash_value("Zbigniew Brzęczyszczykiewicz", keys.pseudonym)
    assert _clip(f, "Zbigniew Brzęczyszczykiewicz", "paste", 2.0)["value"] == name["value"]  # still joins
    order = _clip(f, "INV-2024-001", "copy", 3.0)
    assert order["value"] == hash_value("INV-2024-001", keys.link)  # a business key links to a process log
