from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fansub.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from fansub.accounts import notification_sources, personal_data  # noqa: F401

        notification_sources.connect()
