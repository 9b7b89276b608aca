"""How custom requests react to payments' late news (``payment_settled`` after the accept call gave up,
``refund_failed``). The escrow hold is made by ``custom_requests.accept``; its key names the request and the
step, so a fan who finishes 3-D Secure and accepts again gets this same payment and the request is accepted."""

from django.utils import timezone

from fansub.custom_requests.models import CustomRequest, RequestStatus
from fansub.purchases.services import billing
from governance.services import audit

R = RequestStatus
AWAITING_ACCEPT = (R.SUBMITTED, R.COUNTERED)


def late_hold_settled(reference: str, payment_reference: str) -> str:
    """A hold that succeeded after ``accept`` returned. Kept when it is the request's own payment, when an
    accept is still running (it applies the result) or when the request still awaits acceptance (the fan's
    retry of accept, with the same key, uses this payment); refunded in full when the request moved on."""
    request_id = reference[8:] if reference.startswith("request:") else ""
    req = CustomRequest.objects.filter(pk=int(request_id)).first() if request_id.isdigit() else None
    if req is None:
        return "unknown"  # not a request of ours: nothing to decide (Finance sees the payment in the admin)
    if req.payment_reference == payment_reference:
        return "kept"
    if req.paying_until and req.paying_until > timezone.now():
        return "accept_in_progress"
    if req.status in AWAITING_ACCEPT and not req.payment_reference:
        return "awaiting_accept"
    billing.refund_unfulfilled(payment_reference, purpose="custom_request", reference=reference,
                               reason="settled_late")
    return "refunded"


def refund_failed(reference: str, payment_reference: str, refund_reference: str) -> None:
    """A refund of a request's escrow failed at the provider: payments put the money back in escrow; the request
    keeps its state and Finance sees the failure in the audit log (and the refund's status in the admin)."""
    audit.record(actor=None, action="custom_request.refund_failed", object_type="payments.payment",
                 object_id=payment_reference, reason="The refund failed at the provider; the money is held again.",
                 details={"reference": reference, "refund": refund_reference})
