from django.apps import AppConfig


class FansubConfig(AppConfig):
    name = "fansub"
    verbose_name = "Fan-Sub"

    def ready(self) -> None:
        from fansub import (
            payments_hooks,
            personal_data,  # noqa: F401
        )

        payments_hooks.register()

        from fansub import media_links

        media_links.register()
