from django.apps import AppConfig


class WarehouseConfig(AppConfig):
    """The lake's models (dbt), the jobs that build them, and what dashboard queries scan."""

    name = "warehouse"

    def ready(self) -> None:
        from fansub.accounts import staff_groups
        from warehouse import personal_data  # noqa: F401

        staff_groups.register_group_source("warehouse.migrations.0002_dashboard_groups")
