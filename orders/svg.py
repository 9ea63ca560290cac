"""An allow-list SVG sanitiser for the mandala (SPEC §8.2): no script may survive it.

The mandala comes from an expert's paste or from the generator, and is later shown to experts
and clients. We keep drawing elements and presentation attributes only; everything else goes:
`<script>`, `<foreignObject>`, `<image>`, `<a>`, event handlers (`on*`), any reference that is
not an internal `#id`, and CSS that could fetch something (`url(…)` to the outside, `@import`).
The desk also serves the result under a `default-src 'none'` policy as an `<img>`, where a
browser runs no script anyway: two locks on the same door.
"""

import re
import xml.etree.ElementTree as ET  # DOCTYPEs (entities) are refused before parsing

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
MAX_SVG_BYTES = 512 * 1024
MAX_DEPTH = 64  # deeper nesting is no drawing: refuse it before it exhausts the stack

ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

ALLOWED_ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "title", "desc", "symbol", "use", "style",
        "path", "circle", "ellipse", "line", "polyline", "polygon", "rect",
        "text", "tspan", "textPath",
        "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
        "filter", "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix", "feFlood",
        "feComposite", "feMerge", "feMergeNode", "feMorphology", "feTurbulence",
        "feDisplacementMap",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES = frozenset(
    {
        "id", "class", "style", "version", "viewBox", "preserveAspectRatio", "width", "height",
        "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr",
        "d", "points", "pathLength", "transform", "opacity", "visibility", "display",
        "fill", "fill-opacity", "fill-rule", "clip-rule", "stroke", "stroke-width",
        "stroke-opacity", "stroke-linecap", "stroke-linejoin", "stroke-dasharray",
        "stroke-dashoffset", "stroke-miterlimit", "vector-effect", "color", "paint-order",
        "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform",
        "spreadMethod", "patternUnits", "patternContentUnits", "patternTransform",
        "clip-path", "clipPathUnits", "mask", "maskUnits", "maskContentUnits",
        "marker-start", "marker-mid", "marker-end", "markerWidth", "markerHeight",
        "markerUnits", "refX", "refY", "orient", "filter", "filterUnits",
        "primitiveUnits", "stdDeviation", "in", "in2", "result", "mode", "type", "values",
        "operator", "k1", "k2", "k3", "k4", "flood-color", "flood-opacity", "radius",
        "baseFrequency", "numOctaves", "seed", "stitchTiles", "scale", "xChannelSelector",
        "yChannelSelector", "dx", "dy", "rotate", "textLength", "lengthAdjust",
        "startOffset", "font-family", "font-size", "font-weight", "font-style",
        "font-variant", "letter-spacing", "word-spacing", "text-anchor", "text-decoration",
        "dominant-baseline", "alignment-baseline", "baseline-shift", "writing-mode",
        "mix-blend-mode", "isolation", "shape-rendering", "text-rendering",
        "color-interpolation-filters", "href",
    }
)  # fmt: skip

# `url(#glow)` (a gradient, a filter in this document) is fine; anything else in url() is not.
_URL = re.compile(r"url\s*\(", re.IGNORECASE)
_LOCAL_URL = re.compile(r"url\(\s*(['\"]?)#[\w.:-]+\1\s*\)", re.IGNORECASE)
# CSS that can fetch, run or hide something behind an escape.
_DANGEROUS_CSS = re.compile(r"@import|expression\s*\(|javascript:|behavior\s*:|\\|<", re.I)
_DANGEROUS_VALUE = re.compile(r"javascript:|vbscript:|data:", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class InvalidSvg(ValueError):
    """The text is not an SVG document we can read (too big, malformed, not <svg>)."""


def _local_name(name: str) -> tuple[str, str]:
    """('{ns}tag') → (ns, tag); a name without namespace has ns ''."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _safe_css(text: str) -> bool:
    if _DANGEROUS_CSS.search(text):
        return False
    return len(_URL.findall(text)) == len(_LOCAL_URL.findall(text))


def _clean_attributes(element: ET.Element) -> None:
    kept = {}
    for name, value in element.attrib.items():
        namespace, local = _local_name(name)
        if local.lower().startswith("on"):
            continue
        if namespace not in {"", XLINK_NS} or (namespace == XLINK_NS and local != "href"):
            continue
        if local not in ALLOWED_ATTRIBUTES or _DANGEROUS_VALUE.search(value):
            continue
        if local == "href":
            if not re.fullmatch(r"#[\w.:-]+", value.strip()):
                continue  # only a reference to an element of this document
            kept[f"{{{XLINK_NS}}}href"] = value.strip()
            continue
        if not _safe_css(value):
            continue
        kept[local] = value
    element.attrib.clear()
    element.attrib.update(kept)


def _is_allowed(element: ET.Element) -> bool:
    if not isinstance(element.tag, str):
        return False  # comments, processing instructions
    namespace, local = _local_name(element.tag)
    if namespace not in {"", SVG_NS} or local not in ALLOWED_ELEMENTS:
        return False
    return not (local == "style" and not _safe_css(element.text or ""))


def _clean_children(parent: ET.Element, depth: int = 1) -> None:
    if depth > MAX_DEPTH:
        raise InvalidSvg("too deeply nested")
    for child in list(parent):
        if _is_allowed(child):
            _, local = _local_name(child.tag)
            child.tag = f"{{{SVG_NS}}}{local}"
            _clean_attributes(child)
            _clean_children(child, depth + 1)
            continue
        # Drop the element and everything inside it, but keep the text that followed it.
        index = list(parent).index(child)
        if child.tail:
            if index == 0:
                parent.text = (parent.text or "") + child.tail
            else:
                previous = parent[index - 1]
                previous.tail = (previous.tail or "") + child.tail
        parent.remove(child)


def sanitize_svg(text: str) -> str:
    """The SVG with only allow-listed elements and attributes; raises InvalidSvg if unreadable."""
    raw = text.strip().encode("utf-8")
    if not raw:
        return ""
    if len(raw) > MAX_SVG_BYTES:
        raise InvalidSvg("too large")
    if _DOCTYPE.search(raw):
        raise InvalidSvg("DOCTYPE and entities are refused")
    try:
        root = ET.fromstring(raw)  # noqa: S314 — no DOCTYPE, so no entity can be declared
    except ET.ParseError as error:
        raise InvalidSvg(str(error)) from None
    namespace, local = _local_name(root.tag)
    if local != "svg" or namespace not in {"", SVG_NS}:
        raise InvalidSvg("the root element is not <svg>")
    root.tag = f"{{{SVG_NS}}}svg"
    _clean_attributes(root)
    _clean_children(root)
    return ET.tostring(root, encoding="unicode")


def sanitize_svg_or_empty(text: str) -> str:
    """For display: the sanitised SVG, or "" when nothing safe and drawable is left."""
    try:
        return sanitize_svg(text)
    except InvalidSvg:
        return ""
