"""The sections of a reading, declared once (SPEC §5).

Everything that deals with a reading's content reads this table: the desk's editor form, the
submission check, the generator's payload and callback, the Sanctuaire's gating and display,
the admin, the client's data export and the legacy import. Where it is stored follows from the
kind: the text-like kinds (short text, text, SVG) live in `Reading.texts` under the section's
name; a file kind (audio, PDF) lives in the `Reading` file field of the same name.

Adding a text-like section is one line below, and no schema change (`Reading.texts` is keyed by
name); a file section also needs its FileField on `Reading`, and that field's migration.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    SHORT_TEXT = "short_text"
    TEXT = "text"
    SVG = "svg"
    AUDIO = "audio"
    PDF = "pdf"


TEXT_KINDS = frozenset({Kind.SHORT_TEXT, Kind.TEXT, Kind.SVG})
FILE_KINDS = frozenset({Kind.AUDIO, Kind.PDF})

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Section:
    name: str
    # How the desk and the admin name it (lower case, like a model field's verbose_name).
    label: str | Promise
    kind: Kind
    # The first offer level whose reading has this section (and whose client sees it).
    level: int
    # How the Sanctuaire titles it for the client.
    client_title: str | Promise
    # Text kinds: the most characters it holds. File kinds: the most bytes.
    max_length: int = 0
    max_bytes: int = 0
    # Whether a reading can be submitted without it.
    required: bool = True

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    @property
    def is_file(self) -> bool:
        return self.kind in FILE_KINDS

    def __str__(self) -> str:
        return self.name


# In reading order: the editor, the Sanctuaire and the generator list them in this order.
# Every section a level unlocks is required to submit; the PDF is made by the system from the
# text sections at submission (an expert may upload one instead).
SECTIONS = (
    Section("archetype", _("archétype"), Kind.SHORT_TEXT, 1, _("Votre archétype"), max_length=160),
    Section("reading", _("lecture"), Kind.TEXT, 1, _("Votre lecture"), max_length=200_000),
    Section("ritual", _("rituel"), Kind.TEXT, 2, _("Votre rituel"), max_length=200_000),
    Section(
        "blockages_analysis",
        _("analyse des blocages"),
        Kind.TEXT,
        3,
        _("L’analyse de vos blocages"),
        max_length=200_000,
    ),
    Section(
        "audio",
        _("audio"),
        Kind.AUDIO,
        3,
        _("Votre lecture audio"),
        max_bytes=100 * MEGABYTE,  # an hour of 192 kb/s MP3 is about 85 MB
    ),
    Section(
        "soul_profile", _("profil d’âme"), Kind.TEXT, 4, _("Votre profil d’âme"), max_length=200_000
    ),
    Section(
        "mandala",
        _("mandala"),
        Kind.SVG,
        4,
        _("Votre mandala"),
        max_length=600_000,
    ),
    Section(
        "pdf",
        _("PDF"),
        Kind.PDF,
        4,
        _("Votre lecture en PDF"),
        max_bytes=20 * MEGABYTE,
    ),
)

BY_NAME = {section.name: section for section in SECTIONS}
TEXT_SECTIONS = tuple(section for section in SECTIONS if section.is_text)
FILE_SECTIONS = tuple(section for section in SECTIONS if section.is_file)
LEVELS = (1, 2, 3, 4)


def sections_for_level(level: int) -> list[Section]:
    """The sections a reading of this offer level has, in reading order."""
    return [section for section in SECTIONS if level >= section.level]


def text_sections_for_level(level: int) -> list[Section]:
    return [section for section in sections_for_level(level) if section.is_text]


def required_sections(level: int) -> list[Section]:
    """What must be present before a reading of this level can be submitted."""
    return [section for section in sections_for_level(level) if section.required]
