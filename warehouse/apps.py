from django.apps import AppConfig


class WarehouseConfig(AppConfig):
    """The lake's models (dbt), the jobs that build them, and what dashboard queries scan."""

    name = "warehouse"

    def ready(self) -> None:
        from warehouse import personal_data  # noqa: F401
