"""OCR fallback: the line nearest the click, with confidence and time, through both engines."""

from __future__ import annotations

import pytest
from syspart import require

from taskmining.recorder.backends.ocr import OCRReader

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@pytest.fixture(scope="module")
def image():
    PIL = pytest.importorskip("PIL")  # noqa: F841
    from PIL import Image, ImageDraw, ImageFont
    try:
        font = ImageFont.truetype(FONT, 22)
    except OSError:
        require(False, f"font {FONT} missing (fonts-dejavu-core)")
    img = Image.new("RGB", (320, 120), "white")
    d = ImageDraw.Draw(img)
    d.text((20, 15), "Save invoice", fill="black", font=font)
    d.text((20, 75), "Cancel", fill="black", font=font)
    return img


@pytest.fixture(params=["default", "pytesseract"])
def reader(request):
    st = OCRReader.check()
    require(st.available, f"OCR unavailable: {st.reason}")
    r = OCRReader()
    if request.param == "pytesseract":
        import shutil
        require(shutil.which("tesseract") is not None, "tesseract program missing")
        pytest.importorskip("pytesseract")
        r.close()
        r._api, r.engine = None, "pytesseract"
    yield r
    r.close()


def test_nearest_line_is_read(reader, image):
    top = reader.read(image, 60, 28)
    bottom = reader.read(image, 60, 88)
    assert top.text == "Save invoice" and bottom.text == "Cancel"
    assert top.confidence > 60 and top.ms > 0
    assert top.engine == reader.engine


def test_blank_image_reads_nothing(reader):
    from PIL import Image
    res = reader.read(Image.new("RGB", (100, 40), "white"), 50, 20)
    assert res.text is None and res.confidence is None
