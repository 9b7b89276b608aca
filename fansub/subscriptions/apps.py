from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "fansub.subscriptions"
    label = "subscriptions"
    verbose_name = "Subscriptions"

    def ready(self) -> None:
        from fansub.subscriptions import personal_data  # noqa: F401
