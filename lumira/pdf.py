"""Lumira's printed documents: one FPDF subclass with the site's fonts and colours.

Invoices and credit notes use it; so can any other PDF (the reading's). The fonts are the
self-hosted woff2 files of static/fonts, so a PDF looks like the site and covers French text
(accents, « », ’, no-break spaces). fpdf2 can read woff2 itself, but decoding one costs
~0.15 s on every document: each is decoded to TrueType once per process, with fontTools
(and brotli), into a private temporary folder, and documents load those (~0.01 s each).
"""

import tempfile
import threading
from functools import cache
from pathlib import Path

from django.conf import settings
from fontTools.ttLib import TTFont
from fpdf import FPDF

FONTS = Path(settings.BASE_DIR) / "static" / "fonts"
# (family, style) → file; "B" is bold, "I" italic, as fpdf2 names styles.
FONT_FILES = {
    ("Inter", ""): "inter-latin-400-normal.woff2",
    ("Inter", "B"): "inter-latin-700-normal.woff2",
    ("Cormorant", ""): "cormorant-garamond-latin-600-normal.woff2",
    ("Cormorant", "B"): "cormorant-garamond-latin-700-normal.woff2",
    ("Cormorant", "I"): "cormorant-garamond-latin-500-italic.woff2",
}
_decoding = threading.Lock()


@cache
def _truetype_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="lumira-fonts-"))


def truetype(name: str) -> Path:
    """The woff2 font `name` of static/fonts as a TrueType file (decoded once per process)."""
    target = _truetype_folder() / name.replace(".woff2", ".ttf")
    with _decoding:
        if not target.exists():
            font = TTFont(FONTS / name)
            font.flavor = None
            partial = target.with_suffix(".part")
            font.save(partial)
            partial.replace(target)
    return target


GOLD = (0xB8, 0x94, 0x1F)  # the site's #D4AF37, darkened to read on white paper
NIGHT = (0x0F, 0x0B, 0x19)
INK = (0x22, 0x1E, 0x2E)
MUTED = (0x6B, 0x67, 0x7A)
RULE = (0xE4, 0xDF, 0xEE)


class LumiraPDF(FPDF):
    """A4 portrait, 18 mm margins, Inter for text and Cormorant Garamond for headings."""

    def __init__(self, *, title: str, footer_text: str = "") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self._fonts_added: set[tuple[str, str]] = set()
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=22)
        self.set_title(title)
        self.set_author(settings.SELLER_NAME)
        self.set_creator("Oracle Lumira")
        self.add_page()

    def set_font(self, family=None, style="", size=0):
        """Fonts are registered on first use: a document decodes only those it draws with."""
        # fpdf2 itself passes a TextEmphasis when a new page restores the current font.
        text_style = style if isinstance(style, str) else style.style
        key = (family, text_style.upper().replace("U", ""))
        if family in {f for f, _s in FONT_FILES} and key not in self._fonts_added:
            self.add_font(family, key[1], str(truetype(FONT_FILES[key])))
            self._fonts_added.add(key)
        super().set_font(family, style, size)

    # --- Styles -------------------------------------------------------------------------------

    def text_style(self, size: float = 10, *, bold: bool = False, color=INK) -> None:
        self.set_font("Inter", "B" if bold else "", size)
        self.set_text_color(*color)

    def heading(self, text: str, size: float = 22) -> None:
        self.set_font("Cormorant", "B", size)
        self.set_text_color(*NIGHT)
        self.cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")

    def brand(self) -> None:
        """The name in gold with a thin rule under it, at the top of the first page."""
        self.set_font("Cormorant", "B", 18)
        self.set_text_color(*GOLD)
        self.cell(0, 9, "Oracle Lumira", new_x="LMARGIN", new_y="NEXT")
        self.rule()

    def rule(self, gap: float = 4) -> None:
        self.set_draw_color(*RULE)
        self.set_line_width(0.3)
        y = self.get_y() + 1
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_y(y + gap)

    def lines(self, lines: list[str], *, size: float = 10, bold_first: bool = False) -> None:
        for index, line in enumerate(line for line in lines if line):
            self.text_style(size, bold=bold_first and index == 0)
            self.multi_cell(0, size * 0.5, line, new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        if not self.footer_text:
            return
        self.set_y(-16)
        self.text_style(8, color=MUTED)
        self.multi_cell(0, 4, self.footer_text, align="C")

    def render(self) -> bytes:
        return bytes(self.output())
