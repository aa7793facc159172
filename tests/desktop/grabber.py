"""A passphrase-prompt stand-in: grabs the keyboard (as pinentry or a screen locker does) until stdin closes."""

import sys

from Xlib import X, display

d = display.Display()
root = d.screen().root
status = root.grab_keyboard(True, X.GrabModeAsync, X.GrabModeAsync, X.CurrentTime)
d.sync()
print("grabbed" if status == X.GrabSuccess else f"failed {status}", flush=True)
sys.stdin.read()
d.ungrab_keyboard(X.CurrentTime)
d.sync()
