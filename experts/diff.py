"""What changed in a section between two versions of a reading, word by word (SPEC §8.4)."""

import difflib
import re
from dataclasses import dataclass

# Words and the whitespace after them stay whole, so a diff never cuts a word in two.
_TOKENS = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "removed" or "added"
    text: str


def diff_words(before: str, after: str) -> list[Segment]:
    """The text of `after`, with what `before` had and lost marked "removed"."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            segments.append(Segment("same", "".join(new[new_start:new_end])))
            continue
        if old_end > old_start:
            segments.append(Segment("removed", "".join(old[old_start:old_end])))
        if new_end > new_start:
            segments.append(Segment("added", "".join(new[new_start:new_end])))
    return segments


def has_changes(segments: list[Segment]) -> bool:
    return any(segment.kind != "same" for segment in segments)
