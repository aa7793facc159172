"""taskmining.privacy: hashing, redaction, allowlists, keys, password fields, frames."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from taskmining import privacy
from taskmining.errors import ParameterError, PrivacyError
from taskmining.privacy.redact import redact_text

SALT = b"test-salt-0123"
TOKEN = re.compile(r"\[(" + "|".join(privacy.KINDS) + r"):h:[0-9a-f]{16}\]")


def test_hash_value_form_and_salt_dependence():
    h = privacy.hash_value("INV-1", SALT)
    assert re.fullmatch(r"h:[0-9a-f]{16}", h)
    assert h == privacy.hash_value("INV-1", SALT.decode())
    assert h != privacy.hash_value("INV-1", b"other-salt-000")
    assert h != privacy.hash_value("INV-2", SALT)


def test_hash_value_is_hmac_sha256():
    import hashlib
    import hmac
    expected = hmac.new(SALT, "Ä€".encode(), hashlib.sha256).hexdigest()[:16]
    assert privacy.hash_value("Ä€", SALT) == "h:" + expected


def test_short_salt_is_privacy_error():
    with pytest.raises(PrivacyError, match="salt"):
        privacy.hash_value("x", b"short")


def test_hash_series_matches_scalar_and_keeps_missing():
    s = pd.Series(["a", None, "b", "a"])
    before = s.copy()
    out = privacy.hash_series(s, SALT)
    assert out.iloc[0] == privacy.hash_value("a", SALT) == out.iloc[3]
    assert pd.isna(out.iloc[1])
    pd.testing.assert_series_equal(s, before)  # input untouched


def test_pseudonym_is_stable_and_distinct_from_hash():
    p = privacy.pseudonym("alice", SALT)
    assert re.fullmatch(r"u-[0-9a-f]{8}", p)
    assert p == privacy.pseudonymize_series(pd.Series(["alice"]), SALT).iloc[0]
    assert p[2:] not in privacy.hash_value("alice", SALT)


def test_load_salt_creates_private_file(tmp_path):
    p = tmp_path / "cfg" / "salt"
    s1 = privacy.load_salt(p)
    assert len(s1) >= 32 and privacy.load_salt(p) == s1
    assert (p.stat().st_mode & 0o777) == 0o600
    with pytest.raises(PrivacyError, match="does not exist"):
        privacy.load_salt(tmp_path / "none", create=False)


@pytest.mark.parametrize("text,kind,secret", [
    ("mail from Jane.Doe@Example.com today", "email", "Jane.Doe@Example.com"),
    ("IBAN DE89 3704 0044 0532 0130 00", "iban", "3704 0044 0532 0130 00"),
    ("IBAN GB82WEST12345698765432", "iban", "12345698765432"),
    ("card 4111-1111-1111-1111", "card", "4111-1111-1111-1111"),
    ("card 5500005555555559", "card", "5500005555555559"),
    ("phone +49 30 1234567", "phone", "1234567"),
    ("phone (030) 1234 5678", "phone", "1234 5678"),
    ("order 123456 shipped", "digits", "123456"),
    ("number 4111111111111112", "digits", "4111111111111112"),  # fails Luhn: not a card
])
def test_redact_kinds(text, kind, secret):
    out = redact_text(text, SALT)
    assert secret not in out
    assert f"[{kind}:h:" in out


@pytest.mark.parametrize("text", [
    "Budget 2026 - Excel", "Page 12 of 300", "2026-11-25 10:00", "25.11.2026",
    "Invoice 2026/0001", "h:0123456789abcdef", "v1.2.3",
])
def test_redact_leaves_harmless_text(text):
    assert redact_text(text, SALT) == text


def test_same_value_same_token_and_case_insensitive_email():
    a = redact_text("to A@B.org", SALT)
    b = redact_text("cc a@b.org", SALT)
    assert a.split()[-1] == b.split()[-1]
    assert redact_text("4111 1111 1111 1111", SALT) == redact_text("4111111111111111", SALT)


def test_redact_only_selected_kinds():
    out = redact_text("x@y.com 123456", SALT, kinds=["email"])
    assert "123456" in out and "x@y.com" not in out


def test_long_digit_runs_before_a_decimal_point_are_redacted_whole():
    assert redact_text("123456.0", SALT).startswith("[digits:h:")
    assert redact_text("123456.0", SALT).endswith("].0")
    for text in ("total 1234567.50 EUR", "000000.0", "ref 9876543.2"):
        out = redact_text(text, SALT)
        assert not re.search(r"\d{6,}", TOKEN.sub("", out)) and TOKEN.search(out), out


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab@.- +0123456789()DE", max_size=40))
@example("000000.0")  # a phone-shaped prefix once ended inside the digit run and left it whole
@example("x 1234567.5 y")
def test_redaction_is_idempotent_and_leaves_no_long_digit_run(text):
    once = redact_text(text, SALT)
    assert redact_text(once, SALT) == once
    stripped = TOKEN.sub("", once)
    assert not re.search(r"\d{6,}", stripped)


def test_redact_series_vectorised_equals_scalar():
    values = ["a@b.org", "plain", None, "a@b.org", "call 0171 2345678"] * 50
    s = pd.Series(values, dtype="str")
    out = privacy.redact_series(s, SALT)
    expected = [None if v is None else redact_text(v, SALT) for v in values]
    assert [None if pd.isna(v) else v for v in out] == expected
    assert out.dtype == s.dtype


def test_redact_frame_does_not_mutate_and_skips_absent_columns():
    ev = pd.DataFrame({"window": ["to x@y.com"], "element_name": ["IBAN DE89370400440532013000"]})
    before = ev.copy()
    out = privacy.redact_frame(ev, SALT)
    pd.testing.assert_frame_equal(ev, before)
    assert "x@y.com" not in out.loc[0, "window"] and "[iban:h:" in out.loc[0, "element_name"]


def test_allowlist_rules():
    allow = privacy.Allowlist(apps=["Excel", "libreoffice*"])
    assert allow.allows("EXCEL.EXE")
    assert allow.allows("libreoffice-writer", "x")
    assert not allow.allows("firefox", "PROJ-1 - Jira")
    assert not allow.allows(None, None)
    # finding 5: a title never admits an application on its own (AND, not OR)
    both = privacy.Allowlist(apps=["firefox"], titles=[r"Jira$"])
    assert both.allows("firefox", "PROJ-1 - Jira")
    assert not both.allows("firefox", "Jira board - Firefox")
    assert not both.allows("bank", "PROJ-1 - Jira") and not both.allows("evil", "Excel - Jira")
    assert privacy.Allowlist.from_dict(allow.to_dict()) == allow


def test_allowlist_errors():
    with pytest.raises(PrivacyError, match="empty"):
        privacy.Allowlist()
    with pytest.raises(PrivacyError, match="name the application too"):
        privacy.Allowlist(titles=["Jira"])
    with pytest.raises(ParameterError, match="allow_title"):
        privacy.Allowlist(apps=["x"], titles=["("])
    with pytest.raises(ParameterError, match="single string"):
        privacy.Allowlist(apps="excel")


def test_allowlist_mask_vectorised():
    ev = pd.DataFrame({"app": pd.Categorical(["excel", "bank", None, "bank"]),
                       "window": ["a", "b", "Jira", None]})
    mask = privacy.allowlist_mask(ev, privacy.Allowlist(apps=["excel", "bank"], titles=["^a$", "Jira"]))
    assert mask.tolist() == [True, False, False, False]


@pytest.mark.parametrize("key,mods,cls", [
    ("a", (), "character"), ("Z", ("shift",), "character"), ("5", (), "digit"), ("KP_5", (), "digit"),
    ("Tab", (), "navigation"), ("Page_Down", (), "navigation"), ("Return", (), "navigation"),
    ("BackSpace", (), "editing"), ("Delete", (), "editing"), ("c", ("ctrl",), "shortcut"),
    ("F5", (), "other"), ("space", (), "character"), ("Insert", ("shift",), "shortcut"),
])
def test_classify_key(key, mods, cls):
    assert privacy.classify_key(key, mods) == cls


def test_shortcuts_and_actions():
    assert privacy.shortcut_name("C", {"ctrl", "shift"}) == "ctrl+shift+c"
    assert privacy.SHORTCUT_ACTIONS[privacy.shortcut_name("c", {"ctrl"})] == "copy"
    assert privacy.SHORTCUT_ACTIONS[privacy.shortcut_name("v", {"ctrl"})] == "paste"
    assert privacy.SHORTCUT_ACTIONS[privacy.shortcut_name("x", {"ctrl"})] == "cut"
    out = privacy.classify_keys(pd.Series(["a", "ctrl+s", "Left", "1"]))
    assert out.tolist() == ["character", "shortcut", "navigation", "digit"]


def test_password_detection():
    assert privacy.is_password_field("password text")
    assert privacy.is_password_field("Edit", is_password=True)
    assert privacy.is_password_field("entry", states=["focused", "protected"])
    assert not privacy.is_password_field("text")
    m = privacy.password_mask(pd.DataFrame({"element_role": pd.Categorical(["edit", "password", None])}))
    assert m.tolist() == [False, True, False]


def test_protect_frame_applies_everything():
    ev = pd.DataFrame({
        "user": ["alice"] * 4,
        "app": pd.Categorical(["excel", "bank", "excel", "excel"]),
        "action": pd.Categorical(["click", "click", "key", "copy"]),
        "window": ["Invoices - x@y.com", "Account 987654321", "Login", "Invoices"],
        "element_role": pd.Categorical(["button", "button", "password", "cell"]),
        "value": [None, "secret", "hunter2", "h:0123456789abcdef"],
        "raw_action": ["ButtonPress"] * 4,
    })
    out = privacy.protect_frame(ev, SALT, allow=privacy.Allowlist(apps=["excel"]))
    assert len(out) == 3 and out.attrs["password_rows_removed"] == 1
    text = out.astype(str).to_string()
    for secret in ("alice", "bank", "Account", "987654321", "x@y.com", "hunter2", "secret"):
        assert secret not in text
    assert out["action"].tolist() == ["click", "idle", "copy"]
    assert out["raw_action"].tolist()[1] == "outside_allowlist"
    assert out["value"].iloc[2] == "h:0123456789abcdef"
    assert ev.loc[0, "user"] == "alice"


def test_lazy_package_does_not_import_groups():
    import subprocess
    import sys
    code = ("import sys, taskmining.privacy as p; p.hash_value('x', b'saltsalt'); p.redact_frame; p.Allowlist; "
            "print(sorted(m for m in sys.modules if m.startswith('taskmining.privacy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert "taskmining.privacy.hashing" in out and "taskmining.privacy.groups" not in out
    import taskmining.privacy as p
    with pytest.raises(AttributeError):
        p.no_such_name  # noqa: B018


def test_redaction_vectorised_speed_smoke():
    # 100k rows with 500 distinct titles: distinct values are processed once
    s = pd.Series(np.array([f"Invoice {i} for c{i}@corp.com" for i in range(500)] * 200), dtype="str")
    out = privacy.redact_series(s, SALT)
    assert out.str.contains("@corp.com").sum() == 0
