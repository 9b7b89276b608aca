"""How fansub's personal data is exported and erased (see governance.registry)."""

from fansub.models import CreatorProfile, FanProfile, User
from governance import registry

registry.register(
    User, user_path="pk", fields=("email", "handle", "role", "date_joined"),
    erasure="pseudonymize",
    exporter=lambda user: [{"email": user.email, "handle": user.handle, "role": user.role,
                            "date_joined": user.date_joined.isoformat()}],
    eraser=lambda user: 0,  # the account tombstone itself is written by the DSAR erasure service
)
registry.register(
    CreatorProfile, user_path="user", fields=("display_name", "bio", "country", "is_adult"),
    erasure="pseudonymize", pseudonymized_values={"display_name": "Deleted creator", "bio": "", "avatar": "",
                                                  "banner": ""},
)
registry.register(
    FanProfile, user_path="user", fields=("country", "region", "safe_mode"), erasure="delete",
)

# --- subscriptions, posts, social graph -------------------------------------------------
from fansub.models import (  # noqa: E402
    Block,
    Follow,
    Post,
    PostComment,
    PostLike,
    PostPurchase,
    PostRevision,
    Subscription,
    Tier,
)

FINANCIAL_RECORD = "Sale record tied to receipts and the ledger: kept 10 years for tax law."

registry.register(Tier, user_path="creator", fields=("name", "description", "benefits", "price_minor", "currency"),
                  erasure="pseudonymize", pseudonymized_values={"description": "", "benefits": ""})
registry.register(Post, user_path="creator", fields=("text", "status", "published_at"), erasure="pseudonymize",
                  pseudonymized_values={"text": "", "status": "removed", "removed_reason": "account_erased"})
registry.register(PostRevision, user_path="post__creator", fields=("text", "edited_at"), erasure="delete")
registry.register(PostComment, user_path="author", fields=("post_id", "text", "created_at"), erasure="delete")
registry.register(PostLike, user_path="user", fields=("post_id", "created_at"), erasure="delete")
registry.register(Follow, user_path="fan", fields=("creator__handle", "created_at"), erasure="delete")
registry.register(Block, user_path="blocker", fields=("blocked__handle", "created_at"), erasure="delete")
registry.register(Subscription, user_path="fan",
                  fields=("creator__handle", "tier__name", "status", "current_period_start", "current_period_end"),
                  erasure="retain", retention_reason=FINANCIAL_RECORD)
registry.register(PostPurchase, user_path="fan", fields=("post_id", "created_at", "revoked_at"),
                  erasure="retain", retention_reason=FINANCIAL_RECORD)

from fansub.models import MassMessage, MassMessageRecipient, Message, MessageThread  # noqa: E402

registry.register(MessageThread, user_path="fan", fields=("creator__handle", "created_at", "last_message_at"),
                  erasure="delete")
registry.register(Message, user_path="sender", fields=("thread_id", "text", "created_at"), erasure="delete")
registry.register(MassMessage, user_path="creator", fields=("text", "segment", "created_at"), erasure="delete")
registry.register(MassMessageRecipient, user_path="fan", fields=("mass_message_id", "delivered_at"),
                  erasure="delete")

from fansub.models import CustomRequest, CustomRequestStep, RequestSettings  # noqa: E402

registry.register(CustomRequest, user_path="fan",
                  fields=("creator__handle", "kind", "description", "price_minor", "currency", "status", "created_at"),
                  # The sale (kind, price, dates) stays for tax law; the words the fan typed do not.
                  erasure="pseudonymize", pseudonymized_values={"description": "[erased]", "delivery_note": "",
                                                                "dispute_reason": "", "payment_method": ""})
registry.register(CustomRequestStep, user_path="actor", fields=("request_id", "to_status", "note", "created_at"),
                  erasure="pseudonymize", pseudonymized_values={"note": ""})
registry.register(RequestSettings, user_path="creator", fields=("enabled", "min_prices", "prohibited_topics"),
                  erasure="delete")

from fansub.models import MessageUnlock, Tip  # noqa: E402

registry.register(Tip, user_path="fan", fields=("creator__handle", "amount_minor", "currency", "note", "created_at"),
                  erasure="pseudonymize", pseudonymized_values={"note": ""})
registry.register(MessageUnlock, user_path="fan", fields=("message_id", "created_at", "revoked_at"),
                  erasure="retain", retention_reason=FINANCIAL_RECORD)
# --- verifications ------------------------------------------------------------------------------------
from fansub.models import AgeCheck, AgeWebhookReceipt, IdentityVerification, ProducerRecord  # noqa: E402

# Fan age results: only provider, reference, method, result, time and jurisdiction are held. They exist to
# gate this account's access, so they are deleted with it; the PII-free age_check.* events in the lake are
# the lasting evidence that access decisions were backed by checks.
registry.register(
    AgeCheck, user_path="user",
    fields=("provider", "provider_reference", "method", "status", "jurisdiction", "started_at", "decided_at",
            "expires_at"),
    erasure="delete",
)

_RECORDS_REASON = ("18 U.S.C. 2257 and 28 CFR Part 75: producers must keep performer identity records for the "
                   "retention period (settings.RECORDS_RETENTION_YEARS, default 7 years) even after the "
                   "account is closed; purged by fansub.purge_expired_producer_records afterwards.")

registry.register(
    IdentityVerification, user_path="user",
    fields=("provider", "status", "submitted_at", "decided_at", "valid_until"),
    erasure="retain", retention_reason=_RECORDS_REASON,
)


def _export_records(user: object) -> list[dict[str, object]]:
    # The data subject gets their own record back; the images are acknowledged, not re-sent.
    return [
        {"legal_name": r.legal_name, "date_of_birth": r.date_of_birth, "aliases": r.aliases,
         "id_document_type": r.id_document_type, "id_document_country": r.id_document_country,
         "id_document_copy": "held encrypted", "selfie": "held encrypted",
         "created_at": r.created_at.isoformat(), "retain_until": r.retain_until.isoformat()}
        for r in ProducerRecord.objects.filter(user=user)
    ]


registry.register(
    ProducerRecord, user_path="user",
    fields=("legal_name", "date_of_birth", "aliases", "id_document_type", "id_document_country", "created_at",
            "retain_until"),
    erasure="retain", retention_reason=_RECORDS_REASON, exporter=_export_records,
)

registry.declare_not_personal(
    AgeWebhookReceipt,
    "body_sha256 is a hash of a provider callback (reference, method, result); the body itself is never kept "
    "and the receipt has no link to an account.",
)

from fansub.models import GuestRelease, PostPerformer  # noqa: E402

registry.register(GuestRelease, user_path="submitted_by", fields=("status", "created_at", "retain_until"),
                  erasure="retain",
                  retention_reason="18 U.S.C. 2257 producer records: kept for the records retention period.")
registry.register(PostPerformer, user_path="performer", fields=("post_id", "created_at"), erasure="retain",
                  retention_reason="Links a depicted performer to a post for the producer records.")
