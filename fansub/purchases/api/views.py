"""API for tips and pay-per-view unlocks. Money endpoints require an Idempotency-Key header."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import NotFoundError
from fansub.accounts.models import User
from fansub.media.selectors import vault
from fansub.posts.api.serializers import MoneyField, money_dict
from fansub.purchases.services import ppv, tips
from fansub.subscriptions.api.views import idempotency_key
from payments.money import Money


class TipInput(serializers.Serializer):
    creator = serializers.CharField()
    amount = MoneyField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    anonymous = serializers.BooleanField(default=False)
    post_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    thread_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    payment_method = serializers.CharField(max_length=100)
    confirmed_country = serializers.CharField(required=False, allow_blank=True, default="", max_length=2,
                                              help_text="After TAX_LOCATION_CONFLICT: the country the fan lives in.")


class TipsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=TipInput, responses={201: dict, 202: dict})
    def post(self, request: Request) -> Response:
        key = idempotency_key(request)
        body = TipInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        creator = User.objects.filter(handle__iexact=data["creator"], role="creator").first()
        if creator is None:
            raise NotFoundError("No such creator.")
        tip = tips.send_tip(request.user, creator, Money(data["amount"]["amount_minor"],
                                                         data["amount"]["currency"].upper()),
                            idempotency_key=key, payment_method=data["payment_method"], note=data["note"],
                            anonymous=data["anonymous"], post_id=data["post_id"], thread_id=data["thread_id"],
                            confirmed_country=data["confirmed_country"].upper())
        body = {"id": tip.pk, "status": tip.status, "amount": money_dict(tip.amount),
                "client_action": getattr(tip, "client_action", None)}
        return Response(body, status=status.HTTP_201_CREATED if tip.status == "succeeded" else status.HTTP_202_ACCEPTED)


class UnlockInput(serializers.Serializer):
    payment_method = serializers.CharField(max_length=100)


class PostUnlockView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=UnlockInput, responses={201: dict})
    def post(self, request: Request, post_id: int) -> Response:
        idempotency_key(request)  # required on every money endpoint; the unlock itself is keyed by (post, fan)
        body = UnlockInput(data=request.data)
        body.is_valid(raise_exception=True)
        unlock = ppv.buy_post(request.user, post_id, payment_method=body.validated_data["payment_method"])
        return Response({"post_id": post_id, "unlocked_at": unlock.created_at}, status=status.HTTP_201_CREATED)


class MessageUnlockView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=UnlockInput, responses={201: dict})
    def post(self, request: Request, message_id: int) -> Response:
        idempotency_key(request)
        body = UnlockInput(data=request.data)
        body.is_valid(raise_exception=True)
        unlock = ppv.buy_message(request.user, message_id, payment_method=body.validated_data["payment_method"])
        return Response({"message_id": message_id, "unlocked_at": unlock.created_at},
                        status=status.HTTP_201_CREATED)


class PaidMessageInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    price = MoneyField()
    media_ids = serializers.ListField(child=serializers.UUIDField(), default=list, max_length=20)


class PaidMessageView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PaidMessageInput, responses={201: dict})
    def post(self, request: Request, thread_id: int) -> Response:
        body = PaidMessageInput(data=request.data)
        body.is_valid(raise_exception=True)
        price = body.validated_data["price"]
        message = ppv.send_paid_message(request.user, thread_id, text=body.validated_data["text"],
                                        price=Money(price["amount_minor"], price["currency"].upper()),
                                        media_ids=tuple(str(m) for m in body.validated_data["media_ids"]))
        return Response({"id": message.pk, "price": money_dict(Money(message.price_minor, message.currency))},
                        status=status.HTTP_201_CREATED)


class UnsendView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request, message_id: int) -> Response:
        return Response({"withdrawn": ppv.unsend(request.user, message_id)})


class VaultStatusView(APIView):
    """The creator's vault as seen for one fan: which items that fan was already sent or bought."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request: Request, handle: str) -> Response:

        fan = User.objects.filter(handle__iexact=handle, role="fan").first()
        if fan is None or request.user.role != "creator":
            raise NotFoundError("No such fan.")
        status_by_item = ppv.vault_status_for_fan(request.user, fan)
        items = vault(request.user, state="ready")[:500]
        return Response({"fan": fan.handle, "results": [
            {"id": str(item.public_id), "kind": item.kind, "status": status_by_item.get(item.pk, "not_sent")}
            for item in items]})
