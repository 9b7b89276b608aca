"""`make run` and production run collectstatic through whitenoise's manifest storage, which refuses a vendored
file that points at a file we do not ship (a source map, a font): caught here, not on a fresh machine."""

from django.core.management import call_command


def test_collectstatic_succeeds_with_the_production_manifest_storage(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/hls/hls.light.min.*.js"))
