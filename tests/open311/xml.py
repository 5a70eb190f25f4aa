"""Read our GeoReport XML back as the JSON it maps to (the spec's Spark convention),
so that each XML answer can be compared with the JSON one."""

from xml.etree import ElementTree

LISTS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
}


def parse(content: bytes):
    """The root's name and its content, every leaf as text (None when empty)."""
    text = content.decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    root = ElementTree.fromstring(content)  # noqa: S314 - our own answer, in a test
    return root.tag, _read(root)


def _read(element):
    if element.tag in LISTS:
        assert all(child.tag == LISTS[element.tag] for child in element)
        return [_read(child) for child in element]
    if len(element):
        return {child.tag: _read(child) for child in element}
    return element.text


def as_text(value):
    """A JSON value as XML writes it."""
    if isinstance(value, list):
        return [as_text(item) for item in value]
    if isinstance(value, dict):
        return {key: as_text(item) for key, item in value.items()}
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or value == "":
        return None
    return str(value)
