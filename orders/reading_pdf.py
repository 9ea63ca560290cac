"""The reading as a PDF (SPEC §5): made by the system from the text sections and the mandala.

A night-blue cover with the client's first name and the offer, then one part per section on
warm paper, in the Lumira style (lumira.pdf: the site's fonts, embedded). The expert may
replace the result with an upload.
"""

import io
import logging
import re
from collections.abc import Sequence
from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

from lumira.pdf import INK, MUTED, NIGHT, LumiraPDF

logger = logging.getLogger(__name__)

GOLD = (212, 175, 55)  # the site's #D4AF37, on the night cover
GOLD_DARK = (138, 109, 29)  # headings on paper
PAPER = (251, 248, 240)
COVER_TEXT = (245, 240, 225)

# A no-break space before « ; : ! ? » and inside guillemets (the fonts' latin subset has no
# narrow U+202F), the typographic apostrophe for a typed one. For running text only.
_NBSP = "\u00a0"
_BEFORE_PUNCTUATION = re.compile(r"\s*([;:!?»])(?=[\s.,;:!?)»]|$)")
_AFTER_GUILLEMET = re.compile(r"«\s*")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def french(text: str) -> str:
    """French typography for running text: spaces before high punctuation, curly apostrophes."""
    text = _APOSTROPHE.sub("\u2019", text)
    text = _BEFORE_PUNCTUATION.sub(lambda match: _NBSP + match.group(1), text)
    return _AFTER_GUILLEMET.sub("«" + _NBSP, text)


class ReadingPDF(LumiraPDF):
    """lumira.pdf's document, its first page the cover (no footer), the others on paper."""

    def __init__(self, *, title: str) -> None:
        super().__init__(title=title, footer_text="")  # the cover page is already open
        self.set_fill_color(*NIGHT)
        self.rect(0, 0, self.w, self.h, style="F")

    def paper_page(self) -> None:
        self.add_page()  # the previous page's footer is drawn here, with the text it had
        self.footer_text = "Oracle Lumira"
        self.set_fill_color(*PAPER)
        self.rect(0, 0, self.w, self.h, style="F")
        self.set_text_color(*INK)


def render_reading(
    *,
    first_name: str,
    offer_name: str,
    sections: Sequence[tuple[str, str]],
    mandala_svg: str = "",
    dated: date | None = None,
) -> bytes:
    """The PDF bytes: `sections` are (title, text) in reading order, empty texts left out."""
    title = _("Lecture de %(name)s") % {"name": first_name} if first_name else _("Votre lecture")
    pdf = ReadingPDF(title=f"{title} · {offer_name}")
    _cover(pdf, title, offer_name, dated)
    pdf.paper_page()
    for heading, text in sections:
        if not text.strip():
            continue
        _section(pdf, heading, text)
    if mandala_svg:
        _mandala(pdf, mandala_svg)
    return bytes(pdf.output())


def _cover(pdf: ReadingPDF, title: str, offer_name: str, dated: date | None) -> None:
    pdf.set_y(70)
    pdf.set_font("Cormorant", size=14)
    pdf.set_text_color(*GOLD)
    pdf.cell(0, 10, "ORACLE LUMIRA", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.3)
    middle = pdf.w / 2
    pdf.line(middle - 20, pdf.get_y() + 4, middle + 20, pdf.get_y() + 4)
    pdf.ln(20)
    pdf.set_font("Cormorant", "B", size=34)
    pdf.set_text_color(*COVER_TEXT)
    pdf.multi_cell(0, 14, french(title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Cormorant", "I", size=18)
    pdf.set_text_color(*GOLD)
    pdf.multi_cell(0, 9, french(offer_name), align="C", new_x="LMARGIN", new_y="NEXT")
    if dated:
        pdf.set_y(pdf.h - 50)
        pdf.set_font("Inter", size=10)
        pdf.set_text_color(183, 179, 199)
        pdf.cell(0, 6, formats.date_format(dated, "j F Y"), align="C")


def _section(pdf: ReadingPDF, heading: str, text: str) -> None:
    # A heading never sits alone at the foot of a page.
    if pdf.get_y() > pdf.h - 60:
        pdf.paper_page()
    pdf.set_font("Cormorant", "B", size=20)
    pdf.set_text_color(*GOLD_DARK)
    pdf.multi_cell(0, 10, french(heading), new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.l_margin + 24, pdf.get_y() + 1)
    pdf.ln(5)
    pdf.set_font("Inter", size=10.5)
    pdf.set_text_color(*INK)
    for paragraph in _paragraphs(text):
        pdf.multi_cell(0, 5.6, french(paragraph), align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.5)
    pdf.ln(6)


def _paragraphs(text: str) -> list[str]:
    text = text.replace("\r\n", "\n")
    return [" ".join(block.split("\n")).strip() for block in text.split("\n\n") if block.strip()]


def _mandala(pdf: ReadingPDF, svg: str) -> None:
    pdf.paper_page()
    pdf.set_font("Cormorant", "B", size=20)
    pdf.set_text_color(*GOLD_DARK)
    pdf.cell(0, 10, _("Votre mandala"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    width = min(140, pdf.w - pdf.l_margin - pdf.r_margin)
    try:
        pdf.image(io.BytesIO(svg.encode()), x=(pdf.w - width) / 2, w=width)
    except Exception:  # fpdf2 draws a subset of SVG; the mandala is also in the Sanctuaire
        logger.warning("mandala could not be drawn in the PDF", exc_info=True)
        pdf.set_font("Inter", size=10)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 6, _("Votre mandala est à contempler dans votre Sanctuaire."))


def store_generated_pdf(reading_id: int) -> bool:
    """Make the PDF of a reading's texts and store it privately; False when an expert's upload
    stands in its place. Run after the submission commits (a background task where available).
    """
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import transaction
    from django.utils import timezone

    from orders.models import Reading
    from orders.sections import Kind, sections_for_level

    reading = Reading.objects.select_related("order").get(pk=reading_id)
    if reading.pdf and not reading.pdf_generated:
        return False
    order = reading.order
    sections = sections_for_level(order.level)
    content = render_reading(
        first_name=order.first_name,
        offer_name=order.offer_name,
        sections=[
            (str(section.client_title), reading.text(section.name))
            for section in sections
            if section.kind in {Kind.SHORT_TEXT, Kind.TEXT}
        ],
        mandala_svg=reading.text("mandala"),
        dated=timezone.localdate(),
    )
    field = Reading._meta.get_field("pdf")
    name = default_storage.save(
        field.generate_filename(reading, "lecture.pdf"), ContentFile(content)
    )
    old = reading.pdf.name if reading.pdf else ""
    with transaction.atomic():
        # Only over a generated PDF (or none): an upload that arrived meanwhile wins.
        won = (
            Reading.objects.filter(pk=reading.pk)
            .exclude(pdf_generated=False, pdf__gt="")
            .update(pdf=name, pdf_generated=True)
        )
        if won:
            version = reading.versions.order_by("-number").first()
            if version is not None:
                version.files = {**version.files, "pdf": name}
                version.save(update_fields=["files"])
    if not won:
        default_storage.delete(name)
        return False
    if old and old != name:
        default_storage.delete(old)
    logger.info("order %s: reading PDF generated", order.number)
    return True
