"""Loads the JSON Schemas under telemetry/schemas and compiles each once with fastjsonschema."""

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
ENVELOPE = "_envelope"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("-"))


@cache
def catalogue() -> dict[str, dict[str, Path]]:
    """event_type -> {version -> path}, the envelope included."""
    found: dict[str, dict[str, Path]] = {}
    for path in sorted(SCHEMA_DIR.glob("*/*.json")):
        found.setdefault(path.parent.name, {})[path.stem] = path
    return found


def event_types() -> list[str]:
    return [name for name in catalogue() if name != ENVELOPE]


_latest: dict[str, str] = {}
_latest_of: list[Any] = [None]  # the catalogue _latest was computed from: a new catalogue empties it


def latest_version(event_type: str) -> str:
    found = catalogue()
    if _latest_of[0] is not found:
        _latest.clear()
        _latest_of[0] = found
    try:
        return _latest[event_type]
    except KeyError:
        versions = found.get(event_type)
        if not versions:
            raise KeyError(event_type) from None
        _latest[event_type] = newest = max(versions, key=_version_key)
        return newest


@cache
def load_schema(event_type: str, version: str) -> dict[str, Any]:
    return json.loads(catalogue()[event_type][version].read_text())


@cache
def validator(event_type: str, version: str) -> Callable[[Any], Any]:
    return fastjsonschema.compile(load_schema(event_type, version))


def envelope_validator() -> Callable[[Any], Any]:
    return validator(ENVELOPE, latest_version(ENVELOPE))
