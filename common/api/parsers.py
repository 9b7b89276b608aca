"""The API's JSON parser: bounded in size and nesting depth.

DRF's stock parser reads the whole stream (Django's DATA_UPLOAD_MAX_MEMORY_SIZE only guards
``request.body``) and hands it to ``json.load``, whose recursion on a 50,000-deep array is a
RecursionError, i.e. a 500 — on any endpoint, signed out included. This one refuses a body above
``DATA_UPLOAD_MAX_MEMORY_SIZE`` with 413 ``REQUEST_TOO_LARGE`` and one nested deeper than
``API_JSON_MAX_DEPTH`` with 400 ``JSON_TOO_DEEP``, before any view sees the data.
"""

from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

from common.errors import JsonTooDeep, RequestTooLarge


def body_limit() -> int | None:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def json_depth_exceeds(data: Any, limit: int) -> bool:
    """True when containers nest more than `limit` levels (iterative: no recursion on hostile input)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict[str, Any] | None = None) -> Any:
        parser_context = parser_context or {}
        limit = body_limit()
        request = parser_context.get("request")
        if limit is not None and request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                raise RequestTooLarge()
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge()
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
            data = json.loads(text) if self.strict else json.loads(text, parse_constant=None)
        except RecursionError:
            raise JsonTooDeep(details={"max_depth": settings.API_JSON_MAX_DEPTH}) from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if json_depth_exceeds(data, settings.API_JSON_MAX_DEPTH):
            raise JsonTooDeep(details={"max_depth": settings.API_JSON_MAX_DEPTH})
        return data
