from django.apps import AppConfig


class PurchasesConfig(AppConfig):
    name = "fansub.purchases"
    label = "purchases"
    verbose_name = "Tips and pay-per-view"

    def ready(self) -> None:
        from fansub.media.services import access
        from fansub.purchases import media_uses, payment_hooks, personal_data  # noqa: F401

        payment_hooks.register()
        access.register_final_checker(media_uses.purchase_grants)
        access.register_visibility_checker(media_uses.purchase_grants)
