"""API for tips and pay-per-view unlocks. Money endpoints require an Idempotency-Key header."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.schema import REQUIRES_ACTION, errors
from common.errors import NotFoundError
from fansub.accounts.selectors import fan_by_handle
from fansub.media.selectors import vault
from fansub.posts.selectors import creator_by_handle
from fansub.purchases.api import serializers as ps
from fansub.purchases.services import ppv, tips
from payments.api.fields import money_dict
from payments.api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from payments.money import Money


class TipsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER], request=ps.TipInput,
                   responses={201: OpenApiResponse(ps.TipSerializer, description="The tip succeeded."),
                              202: OpenApiResponse(ps.TipSerializer, description=REQUIRES_ACTION),
                              **errors(400, 402, 403, 404, 409, 422, 503)})
    @idempotent("purchases.tip")
    def post(self, request: Request) -> Response:
        key = request.idempotency_key
        body = ps.TipInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        profile = creator_by_handle(request.user, data["creator"])  # hidden creators (adult, blocked) cannot be tipped
        creator = profile.user if profile else None
        if creator is None:
            raise NotFoundError("No such creator.")
        tip = tips.send_tip(request.user, creator, data["amount"],
                            idempotency_key=key, payment_method=data["payment_method"], note=data["note"],
                            anonymous=data["anonymous"], post_id=data["post_id"], thread_id=data["thread_id"],
                            confirmed_country=data["confirmed_country"].upper())
        body = {"id": tip.pk, "status": tip.status, "amount": money_dict(tip.amount),
                "client_action": getattr(tip, "client_action", None)}
        return Response(body, status=status.HTTP_201_CREATED if tip.status == "succeeded" else status.HTTP_202_ACCEPTED)


class PostUnlockView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER], request=ps.UnlockInput,
                   responses={201: ps.PostUnlockedSerializer, **errors(400, 402, 403, 404, 409, 503)})
    @idempotent("purchases.unlock_post:{post_id}")
    def post(self, request: Request, post_id: int) -> Response:
        body = ps.UnlockInput(data=request.data)
        body.is_valid(raise_exception=True)
        unlock = ppv.buy_post(request.user, post_id, payment_method=body.validated_data["payment_method"])
        return Response({"post_id": post_id, "unlocked_at": unlock.created_at}, status=status.HTTP_201_CREATED)


class MessageUnlockView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER], request=ps.UnlockInput,
                   responses={201: ps.MessageUnlockedSerializer, **errors(400, 402, 403, 404, 409, 503)})
    @idempotent("purchases.unlock_message:{message_id}")
    def post(self, request: Request, message_id: int) -> Response:
        body = ps.UnlockInput(data=request.data)
        body.is_valid(raise_exception=True)
        unlock = ppv.buy_message(request.user, message_id, payment_method=body.validated_data["payment_method"])
        return Response({"message_id": message_id, "unlocked_at": unlock.created_at},
                        status=status.HTTP_201_CREATED)


class PaidMessageView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER], request=ps.PaidMessageInput,
                   responses={201: ps.PaidMessageSerializer, **errors(400, 403, 404, 409)})
    @idempotent("purchases.paid_message:{thread_id}")
    def post(self, request: Request, thread_id: int) -> Response:
        body = ps.PaidMessageInput(data=request.data)
        body.is_valid(raise_exception=True)
        price = body.validated_data["price"]
        message = ppv.send_paid_message(request.user, thread_id, text=body.validated_data["text"],
                                        price=price,
                                        media_ids=tuple(str(m) for m in body.validated_data["media_ids"]))
        return Response({"id": message.pk, "price": money_dict(Money(message.price_minor, message.currency))},
                        status=status.HTTP_201_CREATED)


class UnsendView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ps.UnsendSerializer, **errors(404, 409)})
    def post(self, request: Request, message_id: int) -> Response:
        return Response({"withdrawn": ppv.unsend(request.user, message_id)})


class VaultStatusView(APIView):
    """The creator's vault as seen for one fan: which items that fan was already sent or bought."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ps.VaultStatusSerializer, **errors(404)})
    def get(self, request: Request, handle: str) -> Response:

        fan = fan_by_handle(handle)
        if fan is None or request.user.role != "creator":
            raise NotFoundError("No such fan.")
        status_by_item = ppv.vault_status_for_fan(request.user, fan)
        items = vault(request.user, state="ready")[:500]
        return Response({"fan": fan.handle, "results": [
            {"id": str(item.public_id), "kind": item.kind, "status": status_by_item.get(item.pk, "not_sent")}
            for item in items]})
