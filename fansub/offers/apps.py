from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "fansub.offers"
    label = "offers"
    verbose_name = "Offers"

    def ready(self) -> None:
        from fansub.offers import personal_data  # noqa: F401
