"""The error catalogue: every stable error code, defined once, with its HTTP status and message.

Services raise these classes (never ``DomainError(code=...)`` inline: a test refuses that, and two
classes with one code); the API and pages render them as ``{"error": {"code", "message", "details"}}``.
A raise site may pass a more specific message and details; the code and status live here only.
README's "Error codes" table lists them all (a test keeps it complete).
"""

from typing import Any


class DomainError(Exception):
    code: str = "DOMAIN_ERROR"
    status: int = 400
    default_message: str = "The request could not be completed."

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 status: int | None = None, details: dict[str, Any] | None = None) -> None:
        self.message = message or self.default_message
        if code:
            self.code = code
        if status:
            self.status = status
        self.details = details or {}
        super().__init__(self.message)

    def as_body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class ValidationFailed(DomainError):
    code = "VALIDATION_ERROR"
    status = 400
    default_message = "Some fields are invalid."


class JsonTooDeep(DomainError):
    """A JSON body nested deeper than API_JSON_MAX_DEPTH (refused before it can exhaust the stack)."""

    code = "JSON_TOO_DEEP"
    status = 400
    default_message = "The JSON body is nested too deeply."


class RequestTooLarge(DomainError):
    """A request body larger than DATA_UPLOAD_MAX_MEMORY_SIZE (files go through the upload endpoints)."""

    code = "REQUEST_TOO_LARGE"
    status = 413
    default_message = "The request body is larger than allowed."


class PermissionDeniedError(DomainError):
    code = "PERMISSION_DENIED"
    status = 403
    default_message = "You are not allowed to do this."


class InternalError(DomainError):
    """An unexpected failure while serving an /api/ request: the error body instead of Django's HTML 500 page."""

    code = "INTERNAL_ERROR"
    status = 500
    default_message = "Something went wrong on our side. Please try again later."


class NotFoundError(DomainError):
    code = "NOT_FOUND"
    status = 404
    default_message = "Not found."


class InvalidTransition(DomainError):
    code = "INVALID_TRANSITION"
    status = 409
    default_message = "This change is not allowed in the current state."


class AgeVerificationRequired(DomainError):
    code = "AGE_VERIFICATION_REQUIRED"
    status = 403
    default_message = "Age verification is required to view this content."


class RateLimited(DomainError):
    code = "RATE_LIMITED"
    status = 429
    default_message = "Too many attempts. Try again later."


class AppendOnlyError(Exception):
    """Code tried to change or delete a row of an append-only table (ledger entries, audit log)."""


class WebhookSignatureInvalid(DomainError):
    code = "WEBHOOK_SIGNATURE_INVALID"
    status = 400
    default_message = "The callback signature is missing or does not match."


# --- accounts --------------------------------------------------------------------------------------------
class MinorRefused(DomainError):
    code = "AGE_ATTESTATION_REQUIRED"
    status = 400
    default_message = "You must be 18 or older to use Fan-Sub."


class InvalidCredentials(DomainError):
    code = "INVALID_CREDENTIALS"
    status = 401
    default_message = "Email or password is incorrect."


class Blocked(DomainError):
    code = "BLOCKED"
    status = 403
    default_message = "You cannot interact with this account."


# --- custom_requests -------------------------------------------------------------------------------------
class RequestProhibited(DomainError):
    code = "REQUEST_PROHIBITED"
    status = 422
    default_message = "This request asks for something that is not allowed."


class RequestsClosed(DomainError):
    code = "REQUESTS_CLOSED"
    status = 409
    default_message = "This creator is not taking custom requests right now."


# --- media -----------------------------------------------------------------------------------------------
class MediaTypeUnsupported(DomainError):
    code = "MEDIA_TYPE_UNSUPPORTED"
    status = 415
    default_message = "This file type is not supported, or its content does not match its name or type."


class MediaTooLarge(DomainError):
    code = "MEDIA_TOO_LARGE"
    status = 413
    default_message = "This file is larger than allowed."


class MediaCorrupt(DomainError):
    code = "MEDIA_CORRUPT"
    status = 422
    default_message = "This file is damaged or incomplete."


class MediaNotReady(DomainError):
    code = "MEDIA_NOT_READY"
    status = 409
    default_message = "This media is not ready yet."


class NotEntitled(PermissionDeniedError):
    code = "NOT_ENTITLED"
    default_message = "You do not have access to this media."


class CreatorRequired(PermissionDeniedError):
    code = "CREATOR_REQUIRED"
    default_message = "Only creators can upload media."


class SignedUrlInvalid(PermissionDeniedError):
    code = "SIGNED_URL_INVALID"
    default_message = "This link is invalid or has expired."


class UploadTicketInvalid(DomainError):
    code = "UPLOAD_TICKET_INVALID"
    status = 409
    default_message = "This upload is unknown, expired or already completed."


# --- messaging -------------------------------------------------------------------------------------------
class MessagingNotAllowed(DomainError):
    code = "MESSAGING_NOT_ALLOWED"
    status = 403
    default_message = "This creator only accepts messages from some fans."


# --- offers ----------------------------------------------------------------------------------------------
class PromotionNotEligible(DomainError):
    code = "PROMOTION_NOT_ELIGIBLE"
    status = 409
    default_message = "This offer is not available to you."


# --- purchases -------------------------------------------------------------------------------------------
class AlreadyUnlocked(DomainError):
    code = "ALREADY_UNLOCKED"
    status = 409
    default_message = "You already have this."


class MediaBought(DomainError):
    """The creator tries to delete a vault item that fans bought: it stays in their library (staff removal and
    account erasure still delete it)."""

    code = "MEDIA_BOUGHT"
    status = 409
    default_message = "Fans bought this item; it stays in their library and cannot be deleted."


class DuplicateOffer(DomainError):
    code = "DUPLICATE_OFFER"
    status = 409
    default_message = "This fan was already sent or sold some of this media."


# --- subscriptions ---------------------------------------------------------------------------------------
class TierFull(DomainError):
    code = "TIER_FULL"
    status = 409
    default_message = "This tier has no free places."


class AlreadySubscribed(DomainError):
    code = "ALREADY_SUBSCRIBED"
    status = 409
    default_message = "You already subscribe to this creator; change tier instead."


class CheckoutInProgress(DomainError):
    code = "CHECKOUT_IN_PROGRESS"
    status = 409
    default_message = ("A payment for this is already in progress; finish it (or wait for it to expire) "
                       "before trying again.")


class CheckoutExpired(DomainError):
    code = "CHECKOUT_EXPIRED"
    status = 409
    default_message = "This checkout expired before its payment finished; nothing was kept. Start again."


# --- verification ----------------------------------------------------------------------------------------
class AgeProviderUnavailable(DomainError):
    code = "AGE_PROVIDER_UNAVAILABLE"
    status = 503
    default_message = "Age verification is not available right now."


class CreatorNotVerified(DomainError):
    code = "CREATOR_NOT_VERIFIED"
    status = 403
    default_message = "Verify your identity before using paid features."


class VerificationAlreadyOpen(DomainError):
    code = "VERIFICATION_ALREADY_OPEN"
    status = 409
    default_message = "You already have a verification that is pending or approved."


class CreatorUnderage(DomainError):
    code = "CREATOR_UNDERAGE"
    status = 400
    default_message = "Creators must be 18 or older."


class PerformerRecordMissing(DomainError):
    code = "PERFORMER_RECORD_MISSING"
    status = 409
    default_message = "Every person in an adult post needs an approved identity record linked to it."


class AgeWebhookNotConfigured(DomainError):
    """An age-assurance provider callback arrives but no webhook secret is configured for that provider: nothing
    can be verified, so nothing is stored; the provider retries a 503 once the operator has set the secret."""

    code = "AGE_WEBHOOK_NOT_CONFIGURED"
    status = 503
    default_message = "Age-check callbacks are not configured for this provider."


class WebhookTimestampStale(WebhookSignatureInvalid):
    """A signed delivery whose timestamp is more than the tolerance in the past or in the future."""

    code = "WEBHOOK_TIMESTAMP_STALE"
    status = 400
    default_message = "The callback timestamp is outside the accepted window."


# --- payments --------------------------------------------------------------------------------------------
class PaymentDeclined(DomainError):
    code = "PAYMENT_DECLINED"
    status = 402
    default_message = "The payment was declined."


class IdempotencyConflict(DomainError):
    code = "IDEMPOTENCY_CONFLICT"
    status = 409
    default_message = "This Idempotency-Key was already used with a different request."


class IdempotencyInProgress(DomainError):
    code = "IDEMPOTENCY_IN_PROGRESS"
    status = 409
    default_message = "A request with this Idempotency-Key is still being processed; retry shortly."


class IdempotencyKeyRequired(DomainError):
    code = "IDEMPOTENCY_KEY_REQUIRED"
    status = 400
    default_message = "This endpoint moves money and needs an Idempotency-Key header."


class LedgerUnbalanced(DomainError):
    code = "LEDGER_UNBALANCED"
    status = 500
    default_message = "A ledger transaction must sum to zero in every currency."


class LedgerAlreadyReversed(DomainError):
    code = "LEDGER_ALREADY_REVERSED"
    status = 409
    default_message = "This ledger transaction was already reversed."


class TaxLocationConflict(DomainError):
    code = "TAX_LOCATION_CONFLICT"
    status = 409
    default_message = "Your billing details and payment card point to different countries. Confirm where you live."


class TaxLocationInsufficient(DomainError):
    code = "TAX_LOCATION_INSUFFICIENT"
    status = 400
    default_message = "We need two matching pieces of evidence of where you live (billing address, card, network)."


class RefundNotAllowed(DomainError):
    code = "REFUND_NOT_ALLOWED"
    status = 409
    default_message = "This payment cannot be refunded for that amount."


class InvalidAmount(DomainError):
    code = "INVALID_AMOUNT"
    status = 400
    default_message = "The amount is not valid."


class PayoutNotAllowed(DomainError):
    code = "PAYOUT_NOT_ALLOWED"
    status = 409
    default_message = "No payout can be made now."


class ProviderUnavailable(DomainError):
    """Retryable: rate limited, connection failed, or the provider answered 5xx.

    The caller retries the *same* operation with the *same* idempotency key; the provider then
    either performs it once or replays its first answer.
    """

    code = "PAYMENT_PROVIDER_UNAVAILABLE"
    status = 503
    default_message = "The payment provider is temporarily unavailable. Try again shortly."
    retryable = True


class ProviderOutcomeUnknown(DomainError):
    """The request may or may not have been performed (timeout after sending, to a processor without
    idempotency keys). Not retryable as is: reconcile (webhook, processor admin) first."""

    code = "PAYMENT_PROVIDER_OUTCOME_UNKNOWN"
    status = 503
    default_message = "The payment provider did not answer; the operation may or may not have happened."
    retryable = False


class ProviderRequestRejected(DomainError):
    """Not retryable as is: the provider refused the request (bad parameters, wrong state...)."""

    code = "PAYMENT_PROVIDER_REJECTED"
    status = 502
    default_message = "The payment provider rejected the request."
    retryable = False


class ProviderIdempotencyConflict(IdempotencyConflict):
    """The provider saw the idempotency key with different parameters: a bug in the caller (same code)."""

    default_message = "This idempotency key was already used for a different request."
    retryable = False


class ProviderMisconfigured(DomainError):
    """Credentials or account set-up are wrong (401/403 from the provider, missing settings)."""

    code = "PAYMENT_PROVIDER_MISCONFIGURED"
    status = 503
    default_message = "The payment provider is not configured correctly."
    retryable = False


class ProviderOperationUnsupported(DomainError):
    """The processor has no API for this operation (the coordinator must take another route)."""

    code = "PAYMENT_OPERATION_UNSUPPORTED"
    status = 409
    default_message = "This payment provider does not support this operation."
    retryable = False


class ContentRoutingRefused(DomainError):
    """A purchase of this content category may not go through the configured provider."""

    code = "PAYMENT_ROUTING_REFUSED"
    status = 409
    default_message = "This purchase cannot be processed by the configured payment provider."
    retryable = False


class StatementMismatch(DomainError):
    code = "STATEMENT_MISMATCH"
    status = 500
    default_message = "The statement does not reconcile with the ledger."


# --- governance ------------------------------------------------------------------------------------------
class TwoFactorVerificationRequired(DomainError):
    code = "OTP_VERIFICATION_REQUIRED"
    status = 403
    default_message = "Confirm a token from one of your existing devices first."


class InvalidOtpToken(DomainError):
    code = "OTP_TOKEN_INVALID"
    status = 400
    default_message = "That code is not valid. Check your authenticator's clock and try again."


# --- raised by product services ----------------------------------------------------------------------
class AccountInactive(PermissionDeniedError):
    code = "ACCOUNT_INACTIVE"
    default_message = "This account cannot take part in payments."


class AgeMethodNotAccepted(ValidationFailed):
    code = "AGE_METHOD_NOT_ACCEPTED"
    default_message = "This method does not count where you are."


class CannotFollowSelf(ValidationFailed):
    code = "CANNOT_FOLLOW_SELF"
    default_message = "You cannot follow yourself."


class CommentsDisabled(DomainError):
    code = "COMMENTS_DISABLED"
    status = 403
    default_message = "Comments are turned off for this post."


class DeadlinePassed(DomainError):
    code = "DEADLINE_PASSED"
    status = 409
    default_message = "The delivery deadline has passed; the fan is refunded."


class DirectUploadUnavailable(DomainError):
    code = "DIRECT_UPLOAD_UNAVAILABLE"
    status = 409
    default_message = "Direct uploads need S3 storage."


class DisputeWindowClosed(DomainError):
    code = "DISPUTE_WINDOW_CLOSED"
    status = 409
    default_message = "The review window has closed."


class IdDocumentExpired(ValidationFailed):
    code = "ID_DOCUMENT_EXPIRED"
    default_message = "The ID document has expired; reject or let the creator resubmit."


class InvalidBlock(ValidationFailed):
    code = "INVALID_BLOCK"
    default_message = "You cannot block yourself."


class MediaNotAttachable(ValidationFailed):
    code = "MEDIA_NOT_ATTACHABLE"
    default_message = "Attach ready items from your own vault."


class NotACreator(ValidationFailed):
    code = "NOT_A_CREATOR"
    default_message = "This account is not a creator."


class NotForSale(DomainError):
    code = "NOT_FOR_SALE"
    status = 409
    default_message = "This post is not for sale."


class PaymentRequiresAction(DomainError):
    code = "PAYMENT_REQUIRES_ACTION"
    status = 402
    default_message = "Your bank needs to confirm this payment."


class PerformerUnderage(DomainError):
    code = "PERFORMER_UNDERAGE"
    status = 422
    default_message = "Every performer must be 18 or older."


class PriceOutOfBounds(ValidationFailed):
    code = "PRICE_OUT_OF_BOUNDS"
    default_message = "The price is outside the allowed range."


class RequestSlotsFull(DomainError):
    code = "REQUEST_SLOTS_FULL"
    status = 409
    default_message = "All request slots are taken; deliver one first."


class SelfPayment(PermissionDeniedError):
    code = "SELF_PAYMENT"
    default_message = "You cannot pay yourself."


class StatementPeriodOpen(DomainError):
    code = "STATEMENT_PERIOD_OPEN"
    status = 409
    default_message = "A month is stated once it is over."


class TipAmountOutOfBounds(ValidationFailed):
    code = "TIP_AMOUNT_OUT_OF_BOUNDS"
    default_message = "The tip amount is outside the allowed range."


class UnknownProvider(NotFoundError):
    code = "UNKNOWN_PROVIDER"
    default_message = "No such verification provider."


class UnknownReference(NotFoundError):
    code = "UNKNOWN_REFERENCE"
    default_message = "Nothing has this reference."


# --- moderation: DMCA and hash matching -----------------------------------------------------------
class DmcaNoticeIncomplete(DomainError):
    """details.missing names each missing 512(c)(3)(A) element (field names; details.elements labels them)."""

    code = "DMCA_NOTICE_INCOMPLETE"
    status = 422
    default_message = "The notice is missing elements that 17 U.S.C. 512(c)(3)(A) requires."


class DmcaCounterNoticeIncomplete(DomainError):
    code = "DMCA_COUNTER_NOTICE_INCOMPLETE"
    status = 422
    default_message = "The counter-notice is missing elements that 17 U.S.C. 512(g)(3) requires."


class DmcaMaterialNotFound(DomainError):
    code = "DMCA_MATERIAL_NOT_FOUND"
    status = 422
    default_message = "The identified material could not be located on this service; give its URL here."


class DmcaReuploadBlocked(DomainError):
    code = "DMCA_REUPLOAD_BLOCKED"
    status = 422
    default_message = "This content was removed after a copyright notice and cannot be posted again."


class CopyrightAppealWindowClosed(DomainError):
    code = "COPYRIGHT_APPEAL_WINDOW_CLOSED"
    status = 409
    default_message = "The window for appealing this copyright strike has closed."


class MediaProcessingFailed(DomainError):
    """What the uploader sees for an item that safety screening took out (never why)."""

    code = "MEDIA_PROCESSING_FAILED"
    status = 422
    default_message = "This file could not be processed."


class HashListInvalid(ValidationFailed):
    code = "HASH_LIST_INVALID"
    default_message = "The hash list has lines that are not 64-digit hex PDQ hashes."
# --- moderation (Trust & Safety) --------------------------------------------------------------------
class ContentRefused(DomainError):
    """Text screening refused what a person wrote; details name the rule category (never the matched words)."""

    code = "CONTENT_REFUSED"
    status = 422
    default_message = "This text breaks our content rules."


class AppealNotAllowed(DomainError):
    """An appeal filed after the window, a second appeal, or an appeal on a dismissal."""

    code = "APPEAL_NOT_ALLOWED"
    status = 409
    default_message = "This decision can no longer be appealed."
# --- privacy (governance: data-subject requests, legal holds) ---------------------------------------------------

class DsarConflict(DomainError):
    """Erasure of records under a legal hold (details name the hold), or a second open request of a kind."""

    code = "DSAR_CONFLICT"
    status = 409
    default_message = "Some records cannot be erased now: they are under a legal hold."


class DsarExtensionTooLate(DomainError):
    code = "DSAR_EXTENSION_TOO_LATE"
    status = 409
    default_message = "An extension must be decided and notified before the first due date."


class DsarReasonRequired(ValidationFailed):
    code = "DSAR_REASON_REQUIRED"
    default_message = "A reason is required."


class ReauthenticationRequired(DomainError):
    code = "REAUTHENTICATION_REQUIRED"
    status = 403
    default_message = "Confirm your password to continue."
class NotificationNotFound(NotFoundError):
    code = "NOTIFICATION_NOT_FOUND"
    default_message = "You have no such notification."


class CurrentPasswordWrong(ValidationFailed):
    code = "CURRENT_PASSWORD_WRONG"
    default_message = "Your current password is not correct."


class EmailChangeLinkInvalid(DomainError):
    code = "EMAIL_CHANGE_LINK_INVALID"
    status = 400
    default_message = "This email confirmation link is invalid, expired or already used."
class RefundRequestNotAllowed(DomainError):
    code = "REFUND_REQUEST_NOT_ALLOWED"
    status = 409
    default_message = "A refund cannot be requested for this purchase."


class RefundOverCreatorLimit(DomainError):
    code = "REFUND_OVER_CREATOR_LIMIT"
    status = 403
    default_message = "This refund is beyond what a creator may decide; escalate it to Trust & Safety."


class SavedMethodsUnsupported(DomainError):
    code = "SAVED_METHODS_UNSUPPORTED"
    status = 409
    default_message = "Cards cannot be saved for this purchase; enter your card on the payment page."
