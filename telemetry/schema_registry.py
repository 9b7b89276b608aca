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


def latest_version(event_type: str) -> str:
    versions = catalogue().get(event_type)
    if not versions:
        raise KeyError(event_type)
    return max(versions, key=_version_key)


@cache
def load_schema(event_type: str, version: str) -> dict[str, Any]:
    return json.loads(catalogue()[event_type][version].read_text())


@cache
def validator(event_type: str, version: str) -> Callable[[Any], Any]:
    return fastjsonschema.compile(load_schema(event_type, version))


def envelope_validator() -> Callable[[Any], Any]:
    return validator(ENVELOPE, latest_version(ENVELOPE))
