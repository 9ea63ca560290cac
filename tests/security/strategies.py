"""Hypothesis strategies for hostile requests: any JSON, any bytes, any header WSGI passes."""

import json
import string

from hypothesis import strategies as st

# Any text, NUL and lone control characters included: PostgreSQL refuses NUL in a string, so a
# value reaching a query unchecked is a 500 there (.ci/run runs this suite on PostgreSQL too).
# Strings that broke real apps, drawn often so that 50 examples meet them in every field.
NASTY = [
    "\x00",
    "mystique\x00",
    "\u202emystique",
    "' OR '1'='1",
    "../../etc/passwd",
    "%00",
    "<script>alert(1)</script>",
    "😀",
    "9" * 60,
    "²",  # a digit to str.isdigit() that int() refuses (it made two 500s)
    "①" * 16,
    " ",
    "",
]
nasty = st.sampled_from(NASTY)
text = nasty | st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()  # NaN and infinities too: Python's json writes and reads them
    | text
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(text, children, max_size=3),
    max_leaves=8,
)


def json_objects(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy[dict]:
    """Objects with any subset of the endpoint's keys, each plausible or arbitrary, plus noise."""
    return st.builds(
        lambda known, extra: {**extra, **known},
        st.fixed_dictionaries(
            {}, optional={key: value | json_values for key, value in fields.items()}
        ),
        st.dictionaries(text, json_values, max_size=2),
    )


def json_bodies(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy[bytes]:
    """What a caller may POST: raw bytes, any JSON value, or an object shaped like the real one."""
    return st.one_of(
        st.binary(max_size=80),
        json_values.map(lambda value: json.dumps(value).encode()),
        json_objects(fields).map(lambda value: json.dumps(value).encode()),
    )


# Header values as a WSGI server hands them over: latin-1, no CR/LF.
header_values = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF) | st.just("\t"), max_size=60
)
HEADER_NAMES = [
    "Accept",
    "Accept-Language",
    "Cookie",
    "Origin",
    "Referer",
    "User-Agent",
    "X-Forwarded-For",
    "X-Forwarded-Proto",
    "X-Requested-With",
    "X-CSRFToken",
    "Stripe-Signature",
]
headers = st.dictionaries(st.sampled_from(HEADER_NAMES), header_values, max_size=4)
content_types = st.sampled_from(
    ["application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
) | header_values.map(lambda value: value.strip() or "application/octet-stream")

digits = st.text(string.digits, min_size=1, max_size=20)
slugs = st.sampled_from(["initie", "mystique", "profond", "integrale", "expert-lumira", ""])
form_values = text | digits | slugs
