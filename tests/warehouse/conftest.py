import pytest

from telemetry.publisher import publish_all
from warehouse.services import build


@pytest.fixture(autouse=True)
def _warehouse_in_tmp(settings, tmp_path):
    """Each test builds its own DuckDB warehouse over its own lake (the lake dir is already per test)."""
    settings.WAREHOUSE_DIR = tmp_path / "warehouse"
    settings.WAREHOUSE_DUCKDB_PATH = tmp_path / "warehouse" / "warehouse.duckdb"


@pytest.fixture
def publish_and_build():
    def run(**options) -> build.BuildResult:
        publish_all()
        return build.build(**options)
    return run
