from django.apps import AppConfig


class FansubConfig(AppConfig):
    name = "fansub"
    verbose_name = "Fan-Sub"

    def ready(self) -> None:
        from fansub import personal_data  # noqa: F401
