from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "fansub.studio"
    label = "studio"
    verbose_name = "Creator studio"

    def ready(self) -> None:
        from fansub.studio import personal_data  # noqa: F401
