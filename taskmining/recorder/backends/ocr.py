"""OCR fallback: read the label under a click with Tesseract.

Used when the element under the click has no accessible name or the
application exposes no accessibility tree. tesserocr (which bundles
Tesseract; it reads the system's ``eng.traineddata`` or ``$TESSDATA_PREFIX``)
is used when installed: about 25 ms per call, in process. Otherwise
pytesseract runs the ``tesseract`` program: about 450 ms per call. The
crop around the click is enlarged 2x and read with its boxes; the line
closest to the click is returned with its mean confidence (0-100) and the
time the call took.

Examples
--------
>>> OCRReader.check().name
'ocr'
>>> from PIL import Image, ImageDraw
>>> r = OCRReader() if OCRReader.check().available else None
>>> r is None or isinstance(r.read(Image.new("RGB", (60, 30), "white"), 30, 15).ms, float)
True
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from typing import Any

from taskmining.recorder.backends.base import BackendStatus

__all__ = ["OCRReader", "OCRResult", "CROP"]

#: Width and height of the screen area read around a click.
CROP = (320, 80)


def _tessdata_paths() -> list[str]:
    """Where traineddata files may be: $TESSDATA_PREFIX, the system packages, tesserocr's default."""
    import glob
    import os
    paths = [os.environ["TESSDATA_PREFIX"]] if os.environ.get("TESSDATA_PREFIX") else []
    paths += sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True)
    paths += ["/usr/share/tessdata", "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata"]
    return [p for p in paths if os.path.isdir(p)] + [""]


@dataclass(frozen=True)
class OCRResult:
    """Text near the click (None when nothing was read), mean confidence 0-100, milliseconds."""

    text: str | None
    confidence: float | None
    ms: float
    engine: str


class OCRReader:
    """Reads text in an image near a point."""

    name = "ocr"

    @classmethod
    def check(cls) -> BackendStatus:
        """tesserocr, or pytesseract + the tesseract program, with Pillow."""
        try:
            import PIL  # noqa: F401
        except ImportError:
            return BackendStatus("ocr", False, "Pillow missing: pip install taskmining[ocr]")
        try:
            import tesserocr
            for path in _tessdata_paths():
                if "eng" in (tesserocr.get_languages(path)[1] if path else []):
                    return BackendStatus("ocr", True, f"tesserocr with {path}")
        except ImportError:
            pass
        try:
            import pytesseract  # noqa: F401
        except ImportError:
            return BackendStatus("ocr", False, "neither tesserocr nor pytesseract installed: pip install taskmining[ocr]")
        if shutil.which("tesseract") is None:
            return BackendStatus("ocr", False, "pytesseract needs the tesseract program (apt install tesseract-ocr "
                                 "tesseract-ocr-eng)")
        return BackendStatus("ocr", True, "pytesseract with the tesseract program")

    def __init__(self, lang: str = "eng") -> None:
        self.lang = lang
        self._api: Any = None
        self.engine = "pytesseract"
        try:
            import tesserocr
        except ImportError:
            return
        for path in _tessdata_paths():
            try:
                self._api = tesserocr.PyTessBaseAPI(path=path, lang=lang, psm=tesserocr.PSM.AUTO)
                self.engine = "tesserocr"
                return
            except RuntimeError:
                continue

    def read(self, image: Any, x: int, y: int) -> OCRResult:
        """Text of the line nearest to (x, y) in ``image`` (coordinates in the image)."""
        t0 = time.perf_counter()
        scale = 2
        big = image.convert("L").resize((image.width * scale, image.height * scale))
        words = self._words(big)
        best: tuple[float, list[tuple[str, float, int, int, int, int]]] | None = None
        lines: dict[tuple[int, int, int], list[tuple[str, float, int, int, int, int]]] = {}
        for w in words:
            lines.setdefault(w[6], []).append(w[:6])
        for items in lines.values():
            x0 = min(i[2] for i in items) / scale
            y0 = min(i[3] for i in items) / scale
            x1 = max(i[2] + i[4] for i in items) / scale
            y1 = max(i[3] + i[5] for i in items) / scale
            dx = max(x0 - x, 0, x - x1)
            dy = max(y0 - y, 0, y - y1)
            d = (dx * dx + dy * dy) ** 0.5
            if best is None or d < best[0]:
                best = (d, items)
        ms = (time.perf_counter() - t0) * 1000
        if best is None:
            return OCRResult(None, None, ms, self.engine)
        text = " ".join(i[0] for i in best[1])
        conf = sum(i[1] for i in best[1]) / len(best[1])
        return OCRResult(text, round(conf, 1), ms, self.engine)

    def _words(self, img: Any) -> list[tuple[str, float, int, int, int, int, tuple[int, int, int]]]:
        if self._api is not None:  # tesserocr
            import tesserocr
            self._api.SetImage(img)
            self._api.Recognize()
            out: list[Any] = []
            it = self._api.GetIterator()
            level = tesserocr.RIL.TEXTLINE  # one item per line: labels of several words stay whole
            n = 0
            if it is None:
                return out
            for r in tesserocr.iterate_level(it, level):
                try:
                    text = " ".join((r.GetUTF8Text(level) or "").split())
                except RuntimeError:  # "No text returned": an empty line or image
                    continue
                if text:
                    x0, y0, x1, y1 = r.BoundingBox(level)
                    out.append((text, r.Confidence(level), x0, y0, x1 - x0, y1 - y0, (0, 0, n)))
                n += 1
            return out
        import pytesseract
        data = pytesseract.image_to_data(img, lang=self.lang, config="--psm 11",
                                         output_type=pytesseract.Output.DICT)
        out = []
        for i, text in enumerate(data["text"]):
            conf = float(data["conf"][i])
            if text and text.strip() and conf >= 0:
                out.append((text.strip(), conf, data["left"][i], data["top"][i], data["width"][i],
                            data["height"][i], (data["block_num"][i], data["par_num"][i], data["line_num"][i])))
        return out

    def close(self) -> None:
        if self._api is not None:
            self._api.End()
