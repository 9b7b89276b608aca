from django.apps import AppConfig


class WarehouseConfig(AppConfig):
    """The lake's models (dbt) and the jobs that build them; no database tables of its own."""

    name = "warehouse"
