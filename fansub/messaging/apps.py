from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "fansub.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        from fansub.media.services import access
        from fansub.messaging import media_uses, personal_data  # noqa: F401

        access.register_final_checker(media_uses.message_grants)
        access.register_visibility_checker(media_uses.message_shows)
