"""The catalogues (English; French for the task queue's labels): every entry translated, and
the compiled file matches the source."""

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[1] / "locale"


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


@pytest.mark.parametrize(("language", "at_least"), [("en", 500), ("fr", 15)])
def test_every_entry_is_translated_and_compiled(language, at_least):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    source = po.read_text(encoding="utf-8")
    with po.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    singles = re.findall(r'^(?:msgctxt "(.+)"\n)?msgid "(.+)"\nmsgstr "(.*)"$', source, re.M)
    plurals = re.findall(
        r'^msgid "(.+)"\nmsgid_plural "(.+)"\nmsgstr\[0\] "(.*)"\nmsgstr\[1\] "(.*)"$', source, re.M
    )
    assert len(singles) > at_least
    untranslated = [french for _context, french, english in singles if not english]
    untranslated += [french for french, _plural, one, many in plurals if not (one and many)]
    assert untranslated == []
    for context, french, english in singles:
        found = (
            compiled.pgettext(context, _unescape(french))
            if context
            else compiled.gettext(_unescape(french))
        )
        assert found == _unescape(english), "run compilemessages"
    for french, plural, one, many in plurals:
        assert compiled.ngettext(_unescape(french), _unescape(plural), 1) == _unescape(one)
        assert compiled.ngettext(_unescape(french), _unescape(plural), 2) == _unescape(many)
