"""Lake Formation tags and grants in infra/data-platform.yaml come from the personal-data registry: the committed
section is what the generator gives, every Glue column is classified, and no grant reaches a personal column."""

import pytest
from django.core.management import CommandError, call_command

from governance import registry
from warehouse.services import lake_formation

TEMPLATE_TEXT = lake_formation.TEMPLATE.read_text()

EXTRA_TABLE = """
  MoreTable:
    Type: AWS::Glue::Table
    Properties:
      CatalogId: !Ref AWS::AccountId
      DatabaseName: !Ref LakeDatabase
      TableInput:
        Name: more
        PartitionKeys:
          - {Name: dt, Type: string}
        StorageDescriptor:
          Columns:
            - {Name: fan_id, Type: string}
            - {Name: email, Type: string}
            - {Name: amount_minor, Type: bigint}
"""


def with_extra_table(text: str) -> str:
    return text.replace("\n  # --- Glue & Athena", EXTRA_TABLE + "\n  # --- Glue & Athena", 1)


def test_the_committed_section_is_what_the_registry_generates(capsys):
    assert lake_formation.is_current(TEMPLATE_TEXT), (
        "infra/data-platform.yaml is stale: DJANGO_ENV=test python manage.py warehouse_lake_formation --write")
    call_command("warehouse_lake_formation", "--check")
    call_command("warehouse_lake_formation")
    assert capsys.readouterr().out.endswith(lake_formation.committed_section(TEMPLATE_TEXT))


def test_columns_are_classified_by_the_registry():
    assert registry.lake_column_class("actor_id") == "pseudonymous"
    assert registry.lake_column_class("payload") == "pseudonymous"  # declared by telemetry: it carries ids
    assert registry.lake_column_class("creator_id") == "pseudonymous"
    assert registry.lake_column_class("event_type") == "operational"
    assert registry.lake_column_class("comment_id") == "operational"
    for personal in ("email", "legal_name", "date_of_birth", "public_id", "ip", "display_name"):
        assert registry.lake_column_class(personal) == "personal", personal


def test_every_bronze_column_is_tagged_once_and_none_is_personal():
    generated = lake_formation.resources(TEMPLATE_TEXT)
    (table,) = lake_formation.glue_tables(TEMPLATE_TEXT).values()
    tagged: dict[str, str] = {}
    for body in generated.values():
        if body["Type"] == "AWS::LakeFormation::TagAssociation":
            (tag,) = body["Properties"]["LFTags"]
            for column in body["Properties"]["Resource"]["TableWithColumns"]["ColumnNames"]:
                assert column not in tagged
                tagged[column] = tag["TagValues"][0]
    assert sorted(tagged) == sorted(table["columns"])
    assert {"event_type", "dt", "hour", "payload", "actor_id"} <= set(tagged)
    assert tagged["actor_id"] == tagged["payload"] == "pseudonymous" and tagged["dt"] == "operational"
    assert "personal" not in tagged.values()


def test_grants_follow_the_tags_and_never_cover_personal_columns():
    generated = lake_formation.resources(with_extra_table(TEMPLATE_TEXT))
    grants = {name: body["Properties"] for name, body in generated.items()
              if body["Type"] == "AWS::LakeFormation::PrincipalPermissions"}
    readable = {grant["Principal"]["DataLakePrincipalIdentifier"]["Ref"]:
                grant["Resource"]["LFTagPolicy"]["Expression"][0]["TagValues"] for grant in grants.values()}
    assert readable == {"AnalystRoleArn": ["operational"], "WarehouseBuildRoleArn": ["operational", "pseudonymous"]}
    assert all(grant["PermissionsWithGrantOption"] == [] for grant in grants.values())
    # A new table's personal column is tagged personal, which no grant names.
    personal = generated["MoreTablePersonalColumns"]["Properties"]
    assert personal["Resource"]["TableWithColumns"]["ColumnNames"] == ["email"]
    assert personal["Resource"]["TableWithColumns"]["DatabaseName"] == {"Ref": "LakeDatabase"}
    assert generated["MoreTablePseudonymousColumns"]["Properties"]["Resource"]["TableWithColumns"][
        "ColumnNames"] == ["fan_id"]


def test_a_new_glue_column_makes_the_committed_section_stale():
    column = "- {Name: source_component, Type: string}"
    changed = TEMPLATE_TEXT.replace(column, column + "\n            - {Name: viewer_id, Type: string}")
    assert changed != TEMPLATE_TEXT
    assert not lake_formation.is_current(changed)
    rendered = lake_formation.render(changed)
    assert lake_formation.is_current(rendered)
    assert "- viewer_id" in lake_formation.committed_section(rendered)
    assert rendered.count(lake_formation.BEGIN) == 1


def test_write_rewrites_only_the_section_and_check_refuses_a_stale_file(tmp_path, monkeypatch):
    path = tmp_path / "data-platform.yaml"
    stale = with_extra_table(TEMPLATE_TEXT)
    path.write_text(stale)
    monkeypatch.setattr(lake_formation, "TEMPLATE", path)
    with pytest.raises(CommandError, match="stale"):
        call_command("warehouse_lake_formation", "--check")
    assert lake_formation.write(path) is True
    assert lake_formation.write(path) is False  # idempotent
    text = path.read_text()
    assert text.replace(lake_formation.committed_section(text), "") == stale.replace(
        lake_formation.committed_section(stale), "")
    call_command("warehouse_lake_formation", "--check")


def test_a_template_without_markers_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "data-platform.yaml"
    path.write_text(TEMPLATE_TEXT.replace(lake_formation.END, "  # gone"))
    monkeypatch.setattr(lake_formation, "TEMPLATE", path)
    with pytest.raises(CommandError, match="markers"):
        call_command("warehouse_lake_formation", "--write")
