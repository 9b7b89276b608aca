"""Contract: every schema is valid, strict, PII-free, and validates its own fixture."""

import json
from pathlib import Path

import fastjsonschema
import pytest

from telemetry import schema_registry
from telemetry.pii import FORBIDDEN_KEY, find_pii

FIXTURES = Path(__file__).parent / "fixtures"
ALL_SCHEMAS = [(t, v) for t, versions in schema_registry.catalogue().items() for v in versions
               if t != schema_registry.ENVELOPE]


def _property_names(schema: dict) -> list[str]:
    names = []
    for key, sub in schema.get("properties", {}).items():
        names.append(key)
        if isinstance(sub, dict):
            names.extend(_property_names(sub))
            if isinstance(sub.get("items"), dict):
                names.extend(_property_names(sub["items"]))
    return names


def test_there_are_schemas():
    assert len(ALL_SCHEMAS) >= 5


@pytest.mark.parametrize(("event_type", "version"), ALL_SCHEMAS)
def test_schema_validates_its_fixture(event_type, version):
    fixture_path = FIXTURES / event_type / f"{version}.json"
    assert fixture_path.exists(), f"missing contract fixture {fixture_path.relative_to(FIXTURES.parent)}"
    fixture = json.loads(fixture_path.read_text())
    schema_registry.validator(event_type, version)(fixture)
    assert find_pii(fixture) == []


@pytest.mark.parametrize(("event_type", "version"), ALL_SCHEMAS)
def test_schema_is_strict_and_names_no_personal_field(event_type, version):
    schema = schema_registry.load_schema(event_type, version)
    assert schema.get("additionalProperties") is False, "payload schemas must refuse unknown fields"
    bad = [name for name in _property_names(schema) if FORBIDDEN_KEY.search(name.lower())]
    assert bad == [], f"personal-looking fields in {event_type}: {bad}"


@pytest.mark.parametrize(("event_type", "version"), ALL_SCHEMAS)
def test_schema_refuses_an_unknown_field(event_type, version):
    fixture = json.loads((FIXTURES / event_type / f"{version}.json").read_text())
    with pytest.raises(fastjsonschema.JsonSchemaException):
        schema_registry.validator(event_type, version)({**fixture, "email": "someone@example.com"})


def test_every_fixture_has_a_schema():
    known = {(t, v) for t, v in ALL_SCHEMAS}
    for path in FIXTURES.glob("*/*.json"):
        assert (path.parent.name, path.stem) in known, f"fixture without schema: {path}"
