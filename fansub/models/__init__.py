from fansub.models.creator_offer import Bundle, Tier
from fansub.models.messages import MassMessage, MassMessageRecipient, Message, MessagePolicy, MessageThread
from fansub.models.performers import GuestRelease, PostPerformer, ReleaseStatus
from fansub.models.posts import Post, PostComment, PostLike, PostPurchase, PostRevision, PostStatus
from fansub.models.profiles import CreatorProfile, FanProfile
from fansub.models.promotions import Promotion, TrialLink
from fansub.models.requests import CustomRequest, CustomRequestStep, RequestSettings, RequestStatus, RequestType
from fansub.models.social import Block, Follow
from fansub.models.subscriptions import Subscription, SubscriptionCheckout, SubscriptionStatus
from fansub.models.tips import MessageUnlock, Tip
from fansub.models.users import Role, User
from fansub.models.verification import (
    VERIFICATION_TRANSITIONS,
    AgeCheck,
    AgeWebhookReceipt,
    IdDocumentType,
    IdentityVerification,
    ProducerRecord,
    VerificationStatus,
)

__all__ = [
    "VERIFICATION_TRANSITIONS",
    "AgeCheck",
    "AgeWebhookReceipt",
    "Block",
    "Bundle",
    "CreatorProfile",
    "CustomRequest",
    "CustomRequestStep",
    "FanProfile",
    "Follow",
    "GuestRelease",
    "IdDocumentType",
    "IdentityVerification",
    "MassMessage",
    "MassMessageRecipient",
    "Message",
    "MessagePolicy",
    "MessageThread",
    "MessageUnlock",
    "Post",
    "PostComment",
    "PostLike",
    "PostPerformer",
    "PostPurchase",
    "PostRevision",
    "PostStatus",
    "ProducerRecord",
    "Promotion",
    "ReleaseStatus",
    "RequestSettings",
    "RequestStatus",
    "RequestType",
    "Role",
    "Subscription",
    "SubscriptionCheckout",
    "SubscriptionStatus",
    "Tier",
    "Tip",
    "TrialLink",
    "User",
    "VerificationStatus",
]
