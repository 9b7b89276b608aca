import datetime as dt
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from fansub.media.management.commands import watermark_identify
from fansub.media.management.commands.watermark_identify import Command, delivery_details
from fansub.media.watermark import identify_file, prepare_final, watermark_image
from tests.media.watermark.attacks import leak
from tests.media.watermark.conftest import KEY


@pytest.fixture
def leaked_file(tmp_path, small_final, settings):
    settings.WATERMARK_FORENSIC_KEY = KEY
    marked = watermark_image(prepare_final(small_final), handle="ada", delivery_id=2_000_000_001, key=KEY)
    path = tmp_path / "leak.jpg"
    leak(marked.convert("RGB"), 0).save(path, "JPEG", quality=90)
    return path


@pytest.fixture
def clean_file(tmp_path, small_final):
    path = tmp_path / "clean.png"
    small_final.save(path)
    return path


def test_identify_file(leaked_file, clean_file):
    assert identify_file(leaked_file) == 2_000_000_001
    assert identify_file(clean_file) is None


@pytest.mark.django_db  # the command looks the delivery up now that media.Delivery is installed
def test_command_prints_the_delivery_id(leaked_file):
    out = StringIO()
    call_command(Command(), str(leaked_file), stdout=out)
    assert "delivery id: 2000000001" in out.getvalue()


def test_command_fails_with_exit_code_1_without_a_mark(clean_file, capsys, settings):
    settings.WATERMARK_FORENSIC_KEY = KEY
    with pytest.raises(CommandError, match="no forensic watermark"):
        call_command(Command(), str(clean_file))
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "watermark_identify", str(clean_file)])
    assert exit_info.value.code == 1
    assert "no forensic watermark found" in capsys.readouterr().err


def test_command_reports_unreadable_files(tmp_path):
    bogus = tmp_path / "not-an-image.jpg"
    bogus.write_bytes(b"hello")
    with pytest.raises(CommandError, match="cannot read"):
        call_command(Command(), str(bogus))
    with pytest.raises(CommandError, match="cannot read"):
        call_command(Command(), str(tmp_path / "missing.jpg"))


def _fake_delivery_model(rows):
    class Query:
        def __init__(self, pk=None):
            self.pk = pk

        def select_related(self, *names):
            return self

        def filter(self, pk):
            return Query(pk)

        def first(self):
            return rows.get(self.pk)

    return SimpleNamespace(objects=Query())


def test_details_when_the_pipeline_model_exists(monkeypatch, leaked_file):
    when = dt.datetime(2025, 3, 1, 12, 30, tzinfo=dt.UTC)
    row = SimpleNamespace(viewer=SimpleNamespace(handle="ada"), created_at=when)
    monkeypatch.setattr(apps, "is_installed", lambda name: name == "fansub.media")
    monkeypatch.setattr(apps, "get_model", lambda label, name: _fake_delivery_model({2_000_000_001: row}))
    out = StringIO()
    call_command(Command(), str(leaked_file), stdout=out)
    assert "viewer @ada, delivered 2025-03-01T12:30:00+00:00" in out.getvalue()
    assert "no Delivery row" in delivery_details(5)


def test_no_details_without_the_pipeline_app(monkeypatch):
    monkeypatch.setattr(apps, "is_installed", lambda name: False)
    assert delivery_details(1) is None

    def missing(label, name):
        raise LookupError(name)

    monkeypatch.setattr(apps, "is_installed", lambda name: True)
    monkeypatch.setattr(apps, "get_model", missing)
    assert watermark_identify.delivery_details(1) is None


@pytest.mark.django_db
def test_command_refuses_an_unknown_media_item(leaked_file):
    with pytest.raises(CommandError, match="no media item"):
        call_command(Command(), str(leaked_file), "--media", "00000000-0000-0000-0000-000000000000")
    with pytest.raises(CommandError, match="no media item"):
        call_command(Command(), str(leaked_file), "--media", "not-a-uuid")


@pytest.mark.django_db
def test_command_passes_the_media_deliveries_as_candidates(monkeypatch, leaked_file):
    seen = []

    def candidates(public_id):
        seen.append(public_id)
        return [5, 2_000_000_001]

    monkeypatch.setattr(watermark_identify, "media_candidates", candidates)
    out = StringIO()
    call_command(Command(), str(leaked_file), "--media", "abc", stdout=out)
    assert seen == ["abc"] and "delivery id: 2000000001" in out.getvalue() and "CRC-checked" in out.getvalue()
