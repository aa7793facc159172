"""GTK 3 test app: a code entry that moves the focus by itself to a PIN field hidden among 600 siblings."""

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import GLib, Gtk  # noqa: E402

GLib.set_prgname("tmpin")
win = Gtk.Window(title="TM PIN Form")
win.set_default_size(420, 300)
win.move(500, 40)
outer = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=6, margin=10)
code = Gtk.Entry()
code.get_accessible().set_name("Code")
code.set_size_request(300, 36)
outer.pack_start(code, False, False, 0)
scroll = Gtk.ScrolledWindow()
scroll.set_size_request(400, 200)
many = Gtk.Box(orientation=Gtk.Orientation.VERTICAL)
pin = Gtk.Entry()
pin.set_visibility(False)  # AT-SPI role "password text"
pin.get_accessible().set_name("PIN")
for i in range(600):
    many.pack_start(Gtk.Label(label=f"row {i}"), False, False, 0)
    if i == 300:
        many.pack_start(pin, False, False, 0)
scroll.add(many)
outer.pack_start(scroll, True, True, 0)


def advance(entry):
    if len(entry.get_text()) >= 4:  # an auto-advancing form: the application moves the focus itself
        pin.grab_focus()


code.connect("changed", advance)
win.add(outer)
win.connect("destroy", Gtk.main_quit)
win.show_all()
Gtk.main()
