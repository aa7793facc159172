"""``taskmining record``: record desktop work into a native recording folder.

Examples
--------
>>> import argparse
>>> p = argparse.ArgumentParser(); sub = p.add_subparsers()
>>> register(sub)
>>> args = p.parse_args(["record", "--out", "rec", "--allow", "excel", "--duration", "8h"])
>>> args.allow, args.duration, args.ocr
(['excel'], '8h', 'auto')
"""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

from taskmining.errors import ParameterError

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``record`` subcommand."""
    p = subparsers.add_parser(
        "record", help="record desktop work (private by default)",
        description="Record clicks, keys (as key classes), window switches and the UI element behind each "
                    "action for the allowlisted applications only. Stops on Ctrl-C, SIGTERM or --duration.")
    p.add_argument("--out", help="recording folder (created)")
    p.add_argument("--allow", action="append", default=[], metavar="APP",
                   help="application that may be recorded (repeat); wildcards allowed")
    p.add_argument("--allow-title", action="append", default=[], metavar="REGEX",
                   help="narrow --allow further: an allowed application's window is recorded only when its "
                        "title also matches one of these (regular expression; repeat). Needs --allow: "
                        "a title alone admits no program (a title-only allowlist is refused)")
    p.add_argument("--duration", help="stop after this long: 8h, 30m, 1h30m, 45s")
    p.add_argument("--ocr", choices=("auto", "off"), default="auto",
                   help="read labels with Tesseract where accessibility gives none (default auto)")
    p.add_argument("--screenshots", action="store_true", help="keep screenshots of allowlisted windows on click")
    p.add_argument("--keep-text", action="store_true", help="keep typed characters and clipboard text")
    p.add_argument("--encrypt-key-file", metavar="F", help="32-byte key file: encrypt segments (AES-GCM)")
    p.add_argument("--salt-file", metavar="F",
                   help="hashing salt (default $TASKMINING_SALT_FILE or ~/.config/taskmining/salt)")
    p.add_argument("--backend", action="append", default=[], metavar="NAME",
                   help="capture backend (default: x11 on Linux, uia on Windows)")
    p.add_argument("--check", action="store_true", help="report which backends work here and why not, then exit")
    p.add_argument("--quiet", action="store_true", help="no start and stop messages")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``taskmining record``; returns the exit code."""
    if args.check:
        from taskmining.recorder.check import check_report
        text, ok = check_report()
        print(text)
        return 0 if ok else 2
    if not args.out:
        raise ParameterError("--out: the recording folder is required (or use --check)")
    from taskmining.io.encrypted import load_key
    from taskmining.privacy.hashing import load_salt
    from taskmining.recorder.session import Recorder

    key = load_key(args.encrypt_key_file) if args.encrypt_key_file else None
    salt = load_salt(args.salt_file) if args.salt_file else None
    rec = Recorder(args.out, allow=args.allow, allow_title=args.allow_title, ocr=args.ocr,
                   screenshots=args.screenshots, keep_text=args.keep_text, encrypt_key=key,
                   duration=args.duration, backends=args.backend or "auto", salt=salt)

    def on_signal(signum: int, frame: Any) -> None:
        rec.request_stop()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        rec.start()
        if not args.quiet:
            print(f"recording session {rec.session} into {args.out} (Ctrl-C to stop)", file=sys.stderr, flush=True)
        while not rec.wait(0.5):
            pass
    finally:
        stats = rec.stop()
        for s, h in previous.items():
            signal.signal(s, h)
    if not args.quiet:
        print(f"stopped: {stats['records_written']} records in {len(stats['segments'])} segment(s), "
              f"{stats['records_dropped']} dropped, {len(stats['faults'])} fault(s)", file=sys.stderr)
        for f in stats["faults"]:
            print(f"  fault: {f['message']} (x{f['count']})", file=sys.stderr)
    return 0
