"""Web pages: webhooks in, receipts and purchase history out, and the simulator's 3-D Secure page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import NotFoundError
from payments import selectors
from payments.models import Payment
from payments.pdf import render_receipt
from payments.providers import registry
from payments.providers.simulator import SIGNING_SALT, SimulatorProvider
from payments.services import purchases, webhooks


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
