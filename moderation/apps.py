from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Trust & Safety"

    def ready(self) -> None:
        # Products and payments never import moderation: they ask through these registrations.
        from common import trust
        from fansub.accounts import staff_groups
        from fansub.demo import people as demo
        from fansub.media.services import access
        from fansub.media.services import screening as media_screening
        from moderation import demo as moderation_demo
        from moderation import personal_data, selectors  # noqa: F401
        from moderation.services import hash_matching, quarantine, screening
        from payments import hooks

        hooks.register(hooks.PAYOUTS_BLOCKED, selectors.payouts_blocked_reason)
        trust.register(trust.SCREEN_TEXT, screening.screen_text)
        trust.register(trust.QUEUE_HELD, screening.queue_held)
        trust.register(trust.HIDDEN_FROM_DISCOVERY, selectors.hidden_from_discovery)
        trust.register(trust.ACCOUNT_BLOCKED, selectors.account_blocked_reason)
        media_screening.register_screener(hash_matching.screen_upload)
        media_screening.register_holder(quarantine.is_preserved)
        access.register_quarantine_guard(quarantine.may_review)
        staff_groups.register_group_source("moderation.migrations.0002_trust_and_safety_groups")
        staff_groups.register_group_source("moderation.migrations.0004_dmca_staff_groups")
        demo.register_step(moderation_demo.load_moderation)
