"""GTK 3 test app: a button, a named entry, a password entry (accessible through AT-SPI)."""

import sys

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import GLib, Gtk  # noqa: E402

prgname = sys.argv[1] if len(sys.argv) > 1 else "tmgtk"
title = sys.argv[2] if len(sys.argv) > 2 else "TM Gtk Notes"
GLib.set_prgname(prgname)
win = Gtk.Window(title=title)
win.set_default_size(420, 220)
win.move(40, 40)
box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=6, margin=10)
button = Gtk.Button(label="Save invoice")
button.set_size_request(300, 40)
entry = Gtk.Entry()
entry.get_accessible().set_name("Customer")
entry.set_size_request(300, 36)
password = Gtk.Entry()
password.set_visibility(False)
password.get_accessible().set_name("Password")
password.set_size_request(300, 36)
for w in (button, entry, password):
    box.pack_start(w, False, False, 0)
win.add(box)
win.connect("destroy", Gtk.main_quit)
win.show_all()
Gtk.main()
