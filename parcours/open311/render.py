"""GeoReport v2's two formats. JSON follows the spec's "Spark convention": lists are
arrays, a service definition an object; XML has the spec's element names, an
``<?xml … encoding="utf-8"?>`` declaration, no namespace, and empty elements for
what has no value."""

import json
from xml.etree import ElementTree

from django.http import HttpResponse

JSON = "application/json; charset=utf-8"
XML = "text/xml; charset=utf-8"
# The element of each item of a list, by the list's element (spec's XML examples).
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
}


def response(fmt: str, root: str, data, *, status: int = 200, headers=None) -> HttpResponse:
    if fmt == "xml":
        body, content_type = to_xml(root, data), XML
    else:
        body, content_type = json.dumps(data, ensure_ascii=False), JSON
    answer = HttpResponse(body, content_type=content_type, status=status)
    for name, value in (headers or {}).items():
        answer[name] = value
    return answer


def to_xml(root: str, data) -> str:
    element = ElementTree.Element(root)
    _fill(element, root, data)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(
        element, encoding="unicode"
    )


def _fill(element: ElementTree.Element, name: str, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ElementTree.SubElement(element, key), key, item)
    elif isinstance(value, list):
        for item in value:
            _fill(ElementTree.SubElement(element, ITEMS[name]), ITEMS[name], item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
