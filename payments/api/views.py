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
from payments.models import Payment
from payments.money import Money
from payments.services import purchases
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
