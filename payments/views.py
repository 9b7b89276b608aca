"""Web pages: webhooks in, receipts and purchase history out, and the simulator's 3-D Secure page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import DomainError, NotFoundError
from payments import selectors
from payments.forms import RefundRequestForm
from payments.models import Payment
from payments.money import Money
from payments.pdf import render_receipt
from payments.providers import registry
from payments.providers.simulator import SIGNING_SALT, SimulatorProvider
from payments.services import purchases, refund_requests, saved_methods, webhooks


def sender_address(request: HttpRequest) -> str | None:
    """The webhook sender's address (CCBill's postbacks are authenticated by it). Behind
    PAYMENTS_WEBHOOK_PROXY_HOPS trusted proxies it is that many entries from the right of
    X-Forwarded-For (each proxy appends what it saw); never the left-most, which the client writes."""
    hops = settings.PAYMENTS_WEBHOOK_PROXY_HOPS
    if hops <= 0:
        return request.META.get("REMOTE_ADDR")
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return chain[-hops] if len(chain) >= hops else None


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    response = webhooks.receive(provider, request.body, dict(request.headers), query=request.GET.dict(),
                                remote_addr=sender_address(request))
    if response.error is not None:
        return JsonResponse(response.error.as_body(), status=response.status)
    return HttpResponse(response.outcome, status=response.status, content_type="text/plain")


@login_required
def receipt_page(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        receipt = selectors.receipt_for_owner(request.user, public_id)
    except NotFoundError:
        raise Http404("No such receipt") from None
    return render(request, "payments/receipt.html", selectors.receipt_context(receipt))


@login_required
def receipt_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        receipt = selectors.receipt_for_owner(request.user, public_id)
    except NotFoundError:
        raise Http404("No such receipt") from None

    response = HttpResponse(render_receipt(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def purchase_history(request: HttpRequest) -> HttpResponse:
    payments = selectors.purchase_history(request.user)[:100]
    return render(request, "payments/purchases.html", {"payments": payments})


@login_required
@require_http_methods(["GET", "POST"])
def refund_request_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """A fan asks for a refund of one of their purchases, or sees (and may withdraw) the open request."""
    payment = selectors.purchase_history(request.user).filter(public_id=public_id).first()
    if payment is None:
        raise Http404("No such purchase")
    current = payment.refund_requests.first()
    form = RefundRequestForm(request.POST if request.method == "POST" and "withdraw" not in request.POST else None)
    if request.method == "POST":
        try:
            if "withdraw" in request.POST and current is not None:
                refund_requests.withdraw(request.user, str(current.public_id))
                messages.info(request, "Your refund request was withdrawn.")
                return redirect("payments:refund-request", public_id=public_id)
            if form.is_valid():
                amount = form.cleaned_data["amount"]
                refund_requests.request_refund(
                    request.user, str(public_id), reason=form.cleaned_data["reason"],
                    message=form.cleaned_data["message"],
                    amount=Money.from_decimal(amount, payment.currency) if amount else None)
                messages.success(request, "Your refund request was sent to the creator.")
                return redirect("payments:refund-request", public_id=public_id)
        except DomainError as error:
            messages.error(request, error.message)
    return render(request, "payments/refund_request.html", {"payment": payment, "current": current, "form": form})


@require_http_methods(["GET", "POST"])
def simulator_3ds(request: HttpRequest, token: str) -> HttpResponse:
    """Stands in for the card issuer's authentication page. The URL is signed and expires."""
    if not registry.enabled("simulator"):
        raise Http404()
    try:
        pi_id = signing.loads(token, salt=SIGNING_SALT, max_age=3600)
    except signing.BadSignature:
        raise Http404("This authentication link is invalid or expired.") from None
    if request.method == "POST":
        success = request.POST.get("decision") == "complete"
        SimulatorProvider().complete_authentication(pi_id, success=success)
        payment = Payment.objects.filter(provider="simulator", provider_payment_id=pi_id).first()
        if payment is not None:
            payment = purchases.refresh_from_provider(payment)  # do not wait for the webhook to show the result
            if request.user.is_authenticated and request.user.pk == payment.fan_id:
                messages.info(request, "Payment authenticated." if success else "Authentication failed.")
                return redirect("payments:purchases")
        return render(request, "payments/simulator_3ds_done.html", {"success": success})
    return render(request, "payments/simulator_3ds.html", {"token": token})


@login_required
@require_http_methods(["GET", "POST"])
def saved_cards(request: HttpRequest) -> HttpResponse:
    """The fan's saved cards (account settings): what is kept of each, and a Remove button."""
    if request.method == "POST":
        try:
            saved_methods.remove(request.user, request.POST.get("card", ""))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "The card was removed.")
        return redirect("payments:saved-cards")
    return render(request, "payments/saved_cards.html", {"cards": saved_methods.for_fan(request.user)})
