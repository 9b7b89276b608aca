from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "fansub.media"
    label = "media"
    verbose_name = "Media"

    def ready(self) -> None:
        from fansub.media import personal_data, signals  # noqa: F401
