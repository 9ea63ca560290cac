"""The sections of a reading, declared once (orders.sections), and what derives from them."""

import pytest
from django.core.files.base import ContentFile

from experts.forms import ContentForm
from experts.generation import build_payload
from orders import services
from orders.exceptions import ContentIncomplete
from orders.models import Order, Reading, missing_sections
from orders.sections import BY_NAME, SECTIONS, Kind, required_sections, sections_for_level
from tests.factories import OrderFactory, ReadingFactory

S = Order.Status

# SPEC §5, written out again by hand: the declaration must say the same.
SPEC_TABLE = [
    ("archetype", Kind.SHORT_TEXT, 1),
    ("reading", Kind.TEXT, 1),
    ("ritual", Kind.TEXT, 2),
    ("blockages_analysis", Kind.TEXT, 3),
    ("audio", Kind.AUDIO, 3),
    ("soul_profile", Kind.TEXT, 4),
    ("mandala", Kind.SVG, 4),
    ("pdf", Kind.PDF, 4),
]


def test_the_declaration_is_the_table_of_the_spec():
    assert [(s.name, s.kind, s.level) for s in SECTIONS] == SPEC_TABLE
    assert all(str(section.label) and str(section.client_title) for section in SECTIONS)
    assert [s.name for s in SECTIONS if s.is_text and not s.max_length] == []
    assert [s.name for s in SECTIONS if s.is_file and not s.max_bytes] == []


@pytest.mark.parametrize(
    ("level", "names"),
    [
        (1, ["archetype", "reading"]),
        (2, ["archetype", "reading", "ritual"]),
        (3, ["archetype", "reading", "ritual", "blockages_analysis", "audio"]),
        (4, [name for name, _kind, _level in SPEC_TABLE]),
    ],
)
def test_a_level_has_the_sections_of_its_level_and_below(level, names):
    assert [section.name for section in sections_for_level(level)] == names


def test_each_file_section_has_its_file_field_on_the_reading():
    for section in SECTIONS:
        if section.is_file:
            assert Reading._meta.get_field(section.name).get_internal_type() == "FileField"


@pytest.mark.django_db
def test_nothing_is_unlocked_before_delivery():
    order = OrderFactory(
        offer_level=4, status=S.AWAITING_VALIDATION, reading__texts={"reading": "R"}
    )
    assert order.unlocked_sections == []
    Order.objects.filter(pk=order.pk).update(status=S.COMPLETED)
    order.refresh_from_db()
    assert order.unlocked_sections == sections_for_level(4)
    Order.objects.filter(pk=order.pk).update(status=S.REFUNDED)
    order.refresh_from_db()
    assert order.unlocked_sections == []


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_the_editor_has_one_field_per_section_of_the_level(level):
    form = ContentForm(level=level)
    expected = []
    for section in sections_for_level(level):
        expected.append(section.name)
        if section.kind == Kind.SVG:
            expected.append(f"{section.name}_file")  # the same section, as an .svg file
    assert list(form.fields) == expected
    assert form.fields["archetype"].max_length == BY_NAME["archetype"].max_length


@pytest.mark.django_db
def test_the_generator_is_asked_for_the_text_sections_of_the_level(settings):
    settings.SITE_URL = "https://lumira.example"
    order = OrderFactory(offer_level=4, status=S.PROCESSING, reading__instructions="Ton doux.")
    payload = build_payload(order)
    assert payload["sections"] == [
        "archetype",
        "reading",
        "ritual",
        "blockages_analysis",
        "soul_profile",
        "mandala",
    ]
    assert payload["instructions"] == "Ton doux."


@pytest.mark.django_db
@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_submission_needs_every_required_section_of_the_level(level):
    order = OrderFactory(offer_level=level, status=S.PROCESSING, paid=True)
    # The PDF is never what is missing: the system makes it from the text at submission.
    needed = [section for section in required_sections(level) if section.kind != Kind.PDF]
    with pytest.raises(ContentIncomplete) as incomplete:
        services.submit_for_validation(order)
    assert incomplete.value.missing == needed
    assert Order.objects.get(pk=order.pk).status == S.PROCESSING

    # Every required section but one: still refused, naming the one.
    *written, last = needed
    reading = ReadingFactory(order=order)
    for section in written:
        _give(reading, section)
    reading.save()
    order.refresh_from_db()
    assert missing_sections(order) == [last]
    with pytest.raises(ContentIncomplete):
        services.submit_for_validation(order)

    _give(order.reading, last)
    order.reading.save()
    services.submit_for_validation(order)
    assert order.status == S.AWAITING_VALIDATION


@pytest.mark.django_db
def test_a_required_file_section_counts_only_with_its_file(settings):
    """A file kind is present when its file is; the text of the same name counts for nothing."""
    order = OrderFactory(offer_level=4, status=S.PROCESSING, reading__texts={"pdf": "x"})
    assert not order.reading.has(BY_NAME["pdf"])
    order.reading.pdf.name = "pdf/lecture.pdf"
    assert order.reading.has(BY_NAME["pdf"])


@pytest.mark.django_db
def test_writing_texts_keeps_the_others_and_drops_the_emptied():
    reading = ReadingFactory(texts={"archetype": "A", "reading": "R"})
    reading.write_texts({"reading": "", "ritual": "Un rituel."})
    assert reading.texts == {"archetype": "A", "ritual": "Un rituel."}


def _give(reading: Reading, section) -> None:
    """Some content for `section` on the reading (not saved)."""
    if section.kind == Kind.AUDIO:
        reading.audio.save(
            "audio.wav", ContentFile(b"RIFF$\x00\x00\x00WAVEfmt " + bytes(40)), save=False
        )
    elif section.kind == Kind.SVG:
        svg = '<svg xmlns="http://www.w3.org/2000/svg"><circle r="3"/></svg>'
        reading.write_texts({section.name: svg})  # sanitised on save: it must be a drawing
    else:
        reading.write_texts({section.name: "Texte."})
