"""A window with no accessibility at all: python-xlib draws a label rendered with Pillow.

Its only text is in pixels, so the recorder has to read it with OCR.
"""

import sys

from PIL import Image, ImageDraw, ImageFont
from Xlib import X, Xatom, display

LABEL = sys.argv[1] if len(sys.argv) > 1 else "APPROVE"
W, H = 360, 160

d = display.Display()
screen = d.screen()
win = screen.root.create_window(700, 420, W, H, 0, screen.root_depth, X.InputOutput, X.CopyFromParent,
                                background_pixel=screen.white_pixel,
                                event_mask=X.ExposureMask | X.StructureNotifyMask)
win.set_wm_name("TM Plain Viewer")
win.set_wm_class("tmplain", "Tmplain")
win.change_property(d.intern_atom("_NET_WM_NAME"), d.intern_atom("UTF8_STRING"), 8, b"TM Plain Viewer")
win.change_property(d.intern_atom("_NET_WM_PID"), Xatom.CARDINAL, 32, [__import__("os").getpid()])
gc = win.create_gc(foreground=screen.black_pixel, background=screen.white_pixel)

img = Image.new("RGB", (W, H), "white")
draw = ImageDraw.Draw(img)
try:
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 40)
except OSError:
    font = ImageFont.load_default()
draw.rectangle([40, 40, 320, 120], outline="black", width=3)
draw.text((62, 55), LABEL, fill="black", font=font)
data = img.convert("RGBX").tobytes("raw", "BGRX")

win.map()
d.flush()


def paint():
    for y0 in range(0, H, 40):  # stay below the request size limit
        h = min(40, H - y0)
        win.put_image(gc, 0, y0, W, h, X.ZPixmap, 24, 0, data[y0 * W * 4:(y0 + h) * W * 4])
    d.flush()


while True:
    ev = d.next_event()
    if ev.type == X.Expose and ev.count == 0:
        paint()
    elif ev.type == X.DestroyNotify:
        break
