from django.apps import AppConfig


class PurchasesConfig(AppConfig):
    name = "fansub.purchases"
    label = "purchases"
    verbose_name = "Tips and pay-per-view"

    def ready(self) -> None:
        from fansub.purchases import payment_hooks, personal_data  # noqa: F401

        payment_hooks.register()
