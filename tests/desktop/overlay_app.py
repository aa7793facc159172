"""A non-allowlisted override-redirect popup (not in the window manager's stacking list) showing a salary."""

import sys

from PIL import Image, ImageDraw, ImageFont
from Xlib import X, display

X0, Y0 = int(sys.argv[1]), int(sys.argv[2])
W, H = 330, 70
d = display.Display()
screen = d.screen()
win = screen.root.create_window(X0, Y0, W, H, 0, screen.root_depth, X.InputOutput, X.CopyFromParent,
                                background_pixel=screen.white_pixel, override_redirect=True,
                                event_mask=X.ExposureMask | X.StructureNotifyMask)
win.set_wm_name("TM Overlay")
gc = win.create_gc(foreground=screen.black_pixel, background=screen.white_pixel)
img = Image.new("RGB", (W, H), "white")
try:
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 40)
except OSError:
    font = ImageFont.load_default()
ImageDraw.Draw(img).text((8, 10), "SALARY 98000", fill="black", font=font)
data = img.convert("RGBX").tobytes("raw", "BGRX")
win.map()
win.configure(stack_mode=X.Above)
d.flush()
print("shown", flush=True)
while True:
    ev = d.next_event()
    if ev.type == X.Expose and ev.count == 0:
        for y in range(0, H, 35):
            h = min(35, H - y)
            win.put_image(gc, 0, y, W, h, X.ZPixmap, 24, 0, data[y * W * 4:(y + h) * W * 4])
        d.flush()
