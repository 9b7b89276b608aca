"""API for direct and mass messages."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import NotFoundError
from fansub.accounts.models import User
from fansub.messaging import segments
from fansub.messaging.selectors import inbox, locked_message_ids, message_dict, thread_messages
from fansub.messaging.services import mass_messages
from fansub.messaging.services import messages as messaging
from fansub.posts.api.serializers import MoneyField
from payments.money import Money


class TextInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    media_ids = serializers.ListField(child=serializers.UUIDField(), default=list, max_length=20)


class ThreadsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        me = request.user
        return Response({"results": [{
            "id": t.pk, "with": (t.creator if t.fan_id == me.pk else t.fan).handle,
            "last_message_at": t.last_message_at, "unread": t.unread,
        } for t in inbox(me)]})


class StartThreadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=TextInput, responses={201: dict})
    def post(self, request: Request, handle: str) -> Response:
        other = User.objects.filter(handle__iexact=handle, is_active=True).first()
        if other is None:
            raise NotFoundError("No such account.")
        body = TextInput(data=request.data)
        body.is_valid(raise_exception=True)
        message = messaging.start_conversation(request.user, other, body.validated_data["text"])
        return Response({"thread_id": message.thread_id, **message_dict(message)}, status=status.HTTP_201_CREATED)


class ThreadMessagesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request: Request, thread_id: int) -> Response:
        before = request.query_params.get("before")
        _, rows = thread_messages(request.user, thread_id, before_id=int(before) if (before or "").isdigit() else None)
        locked = locked_message_ids(request.user, rows)
        return Response({"results": [message_dict(m, locked=m.pk in locked) for m in rows],
                         "before": rows[0].pk if len(rows) == 50 else None})

    @extend_schema(request=TextInput, responses={201: dict})
    def post(self, request: Request, thread_id: int) -> Response:
        body = TextInput(data=request.data)
        body.is_valid(raise_exception=True)
        message = messaging.send(request.user, thread_id, body.validated_data["text"],
                                 media_ids=tuple(str(m) for m in body.validated_data["media_ids"]))
        return Response(message_dict(message), status=status.HTTP_201_CREATED)


class ThreadReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, thread_id: int) -> Response:
        messaging.mark_read(request.user, thread_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MassMessageInput(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    segment = serializers.ChoiceField(choices=segments.SEGMENTS)
    tier_ids = serializers.ListField(child=serializers.IntegerField(), default=list)
    price = MoneyField(required=False, allow_null=True, default=None)
    media_ids = serializers.ListField(child=serializers.UUIDField(), default=list, max_length=20)


class MassMessagesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        tier_ids = [int(t) for t in request.query_params.getlist("tier_ids") if t.isdigit()]
        return Response({"segment_counts": segments.segment_counts(request.user, tier_ids)})

    @extend_schema(request=MassMessageInput, responses={202: dict})
    def post(self, request: Request) -> Response:
        body = MassMessageInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        price = data.pop("price")
        mass = mass_messages.queue(request.user, text=data["text"], segment=data["segment"],
                                   tier_ids=data["tier_ids"],
                                   price=Money(price["amount_minor"], price["currency"].upper()) if price else None,
                                   media_ids=tuple(str(m) for m in data["media_ids"]))
        mass.refresh_from_db()
        return Response({"id": mass.pk, "status": mass.status, "recipients_total": mass.recipients_total,
                         "delivered_count": mass.delivered_count, "skipped_already_offered": mass.skipped_count},
                        status=status.HTTP_202_ACCEPTED)


class MessagePolicyInput(serializers.Serializer):
    policy = serializers.ChoiceField(choices=["anyone", "followers", "subscribers"])


class MessagePolicyView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=MessagePolicyInput, responses={204: None})
    def put(self, request: Request) -> Response:
        body = MessagePolicyInput(data=request.data)
        body.is_valid(raise_exception=True)
        messaging.set_message_policy(request.user, body.validated_data["policy"])
        return Response(status=status.HTTP_204_NO_CONTENT)
