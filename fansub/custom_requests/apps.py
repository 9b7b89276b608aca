from django.apps import AppConfig


class CustomRequestsConfig(AppConfig):
    name = "fansub.custom_requests"
    label = "custom_requests"
    verbose_name = "Custom requests"

    def ready(self) -> None:
        from fansub.custom_requests import media_uses, personal_data  # noqa: F401
        from fansub.media.services import access

        access.register_final_checker(media_uses.request_grants)
