"""Payments API: thin views over the services."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.fields import INT64_MAX
from common.api.schema import errors
from common.errors import NotFoundError
from governance.services.two_factor import has_staff_powers
from payments.api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from payments.models import Payment, RefundRequest
from payments.models.refund_requests import RefundRequestReason
from payments.money import Money
from payments.services import purchases, refund_requests
from payments.services.refunds import REFUND_REASONS


class CanRefund(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        return bool(has_staff_powers(user) and user.has_perm("payments.refund_payment"))


class RefundSerializer(serializers.Serializer):
    amount_minor = serializers.IntegerField(min_value=1, max_value=INT64_MAX, required=False,
                                            help_text="Minor units in the payment's currency; omit for a full refund.")
    reason = serializers.ChoiceField(choices=sorted(REFUND_REASONS))
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class RefundCreatedSerializer(serializers.Serializer):
    refund_id = serializers.UUIDField()
    status = serializers.CharField()
    amount_minor = serializers.IntegerField()
    currency = serializers.CharField()


class PaymentRefundView(APIView):
    """Staff: refund a payment fully or in part. Moves money, so it takes an Idempotency-Key."""

    permission_classes = [CanRefund]

    @extend_schema(
        operation_id="payments_refunds_create",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=RefundSerializer, responses={201: RefundCreatedSerializer, **errors(400, 403, 404, 409, 503)})
    @idempotent("payments.refund:{public_id}")
    def post(self, request: Request, public_id: str) -> Response:
        payment = Payment.objects.filter(public_id=public_id).first()
        if payment is None:
            raise NotFoundError()
        data = RefundSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        amount = data.validated_data.get("amount_minor")
        refund = purchases.refund(
            payment, Money(amount, payment.currency) if amount else None, data.validated_data["reason"],
            actor=request.user, idempotency_key=f"api:{request.headers['Idempotency-Key']}",
            note=data.validated_data.get("note", ""),
        )
        return Response({"refund_id": str(refund.public_id), "status": refund.status, "amount_minor": refund.amount,
                         "currency": refund.currency}, status=201)


# --- refunds people ask for -------------------------------------------------------------------------
class RefundRequestCreateSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RefundRequestReason.choices)
    message = serializers.CharField(max_length=1000, required=False, allow_blank=True,
                                    help_text="Why, in the fan's words (shown to the creator and staff only).")
    amount_minor = serializers.IntegerField(min_value=1, max_value=INT64_MAX, required=False,
                                            help_text="Minor units in the payment's currency; omit for all of it.")


class RefundRequestSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    payment_id = serializers.UUIDField(source="payment.public_id")
    status = serializers.ChoiceField(choices=RefundRequest.Status.choices)
    reason = serializers.ChoiceField(choices=RefundRequestReason.choices)
    amount_requested_minor = serializers.IntegerField(source="amount_requested", allow_null=True)
    amount_refunded_minor = serializers.IntegerField(source="amount_refunded")
    currency = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class RefundDecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["refund", "decline", "escalate"])
    amount_minor = serializers.IntegerField(min_value=1, max_value=INT64_MAX, required=False,
                                            help_text="Refund only: minor units; omit for what was asked.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class PaymentRefundRequestView(APIView):
    """A fan asks for a refund of one of their payments (no money moves until someone decides)."""

    @extend_schema(operation_id="payments_refund_requests_create", request=RefundRequestCreateSerializer,
                   responses={201: RefundRequestSerializer, 200: RefundRequestSerializer,
                              **errors(400, 404, 409)})
    def post(self, request: Request, public_id: str) -> Response:
        data = RefundRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        before = RefundRequest.objects.filter(payment__public_id=public_id, fan=request.user).count()
        amount = data.validated_data.get("amount_minor")
        payment = Payment.objects.filter(public_id=public_id, fan=request.user).first()
        if payment is None:
            raise NotFoundError("No such purchase.")
        row = refund_requests.request_refund(
            request.user, str(public_id), reason=data.validated_data["reason"],
            message=data.validated_data.get("message", ""),
            amount=Money(amount, payment.currency) if amount else None)
        created = RefundRequest.objects.filter(payment=payment, fan=request.user).count() > before
        return Response(RefundRequestSerializer(row).data, status=201 if created else 200)


class RefundRequestDecisionView(APIView):
    """The creator who was paid decides a request: refund (within the policy), decline or escalate.
    A refund moves money, so this takes an Idempotency-Key."""

    @extend_schema(operation_id="payments_refund_requests_decide", parameters=[IDEMPOTENCY_KEY_PARAMETER],
                   request=RefundDecisionSerializer, responses={200: RefundRequestSerializer,
                                                                **errors(400, 403, 404, 409, 503)})
    @idempotent("payments.refund_request_decision:{public_id}")
    def post(self, request: Request, public_id: str) -> Response:
        data = RefundDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = RefundRequest.objects.filter(public_id=public_id, creator=request.user).first()
        if row is None:
            raise NotFoundError("No such refund request.")
        amount = data.validated_data.get("amount_minor")
        decided = refund_requests.creator_decide(request.user, str(public_id), refund_requests.Decision(
            data.validated_data["action"], Money(amount, row.currency) if amount else None,
            data.validated_data.get("note", "")))
        return Response(RefundRequestSerializer(decided).data, status=200)
