from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from fansub.media.services import access, screening
        from moderation import personal_data  # noqa: F401
        from moderation.services import enforcement, hash_matching, quarantine
        from payments import hooks

        screening.register_screener(hash_matching.screen_upload)
        screening.register_holder(quarantine.is_preserved)
        access.register_quarantine_guard(quarantine.may_review)
        hooks.register(hooks.PAYOUTS_BLOCKED, enforcement.payouts_blocked_reason)
