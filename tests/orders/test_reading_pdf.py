"""The reading's PDF, typeset by the system (SPEC §5): parsed back, not just produced."""

import io
from datetime import date

from pypdf import PdfReader

from orders.reading_pdf import french, render_reading

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    '<circle cx="50" cy="50" r="40" fill="#D4AF37"/></svg>'
)


def test_the_pdf_holds_the_cover_each_section_and_french_text_with_embedded_fonts():
    data = render_reading(
        first_name="Léa",
        offer_name="Niveau Intégrale",
        sections=[
            ("Votre archétype", "L'Alchimiste"),
            ("Votre lecture", "Votre chemin s'ouvre : « le cœur sait » !"),
            ("Votre rituel", ""),  # empty: left out
        ],
        mandala_svg=SVG,
        dated=date(2026, 12, 3),
    )
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    cover = reader.pages[0].extract_text()
    assert "Lecture de Léa" in cover
    assert "Niveau Intégrale" in cover
    assert "3 décembre 2026" in cover
    assert "Votre archétype" in text
    assert "L’Alchimiste" in text  # the typed apostrophe became the French one
    assert "s’ouvre : « le cœur sait » !" in text.replace("\u00a0", " ")
    assert "Votre rituel" not in text
    assert "Votre mandala" in text
    fonts = {
        font["/BaseFont"] for page in reader.pages for font in page["/Resources"]["/Font"].values()
    }
    assert all("+" in name for name in fonts)  # subset-embedded, not a base-14 font
    assert any("Inter" in name for name in fonts)
    assert any("Cormorant" in name for name in fonts)


def test_french_typography_keeps_high_punctuation_with_its_word():
    assert french("Pourquoi ? Parce que : « oui »; l'amour!") == (
        "Pourquoi\u00a0? Parce que\u00a0: «\u00a0oui\u00a0»\u00a0; l’amour\u00a0!"
    )
    assert french("https://exemple.fr à 10:30") == "https://exemple.fr à 10:30"
