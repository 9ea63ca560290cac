"""The mandala is SVG written by an expert or a generator: it is cleaned to drawing elements
before it reaches a client, and served as an image (which never runs script) besides."""

import xml.etree.ElementTree as ET

import nh3

TAGS = {
    "svg", "g", "defs", "title", "desc", "symbol", "use",
    "path", "circle", "ellipse", "line", "polyline", "polygon", "rect",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "filter",
    "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix", "feMerge", "feMergeNode",
}  # fmt: skip
ATTRIBUTES = {
    "xmlns", "viewBox", "width", "height", "preserveAspectRatio", "id", "class",
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "dx", "dy",
    "d", "points", "transform", "pathLength",
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset",
    "stroke-miterlimit", "opacity", "clip-path", "clip-rule", "mask", "filter",
    "font-family", "font-size", "font-weight", "font-style", "text-anchor",
    "dominant-baseline", "letter-spacing", "offset", "stop-color", "stop-opacity",
    "gradientUnits", "gradientTransform", "spreadMethod", "fx", "fy",
    "patternUnits", "patternTransform", "clipPathUnits", "maskUnits", "stdDeviation",
    "in", "in2", "mode", "result", "values", "type", "href",
}  # fmt: skip
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def _internal_only(element: str, attribute: str, value: str) -> str | None:
    # <use href> and <textPath href> may point inside the drawing, nowhere else.
    if attribute == "href" and not value.startswith("#"):
        return None
    if "url(" in value and not value.replace(" ", "").startswith("url(#"):
        return None
    return value


def sanitise_svg(markup: str) -> str:
    """Drawing elements only, well-formed XML, or "" when nothing drawable is left."""
    if not markup.strip():
        return ""
    cleaned = nh3.clean(
        markup,
        tags=TAGS,
        attributes={"*": ATTRIBUTES},
        attribute_filter=_internal_only,
        url_schemes=set(),
        strip_comments=True,
        link_rel=None,
    )
    # The HTML serialiser writes named entities XML does not know.
    cleaned = cleaned.replace("&nbsp;", "&#160;").strip()
    if not cleaned.startswith("<svg"):
        return ""
    try:
        root = ET.fromstring(cleaned)  # noqa: S314 (our own output: no DTD, no entities)
    except ET.ParseError:
        return ""
    if root.tag == "svg":  # an image needs the namespace to be drawn at all
        cleaned = cleaned.replace("<svg", f'<svg xmlns="{SVG_NAMESPACE}"', 1)
    return cleaned
