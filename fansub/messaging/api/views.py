"""API for direct and mass messages."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.schema import errors
from common.errors import NotFoundError
from fansub.accounts.selectors import active_user_by_handle
from fansub.messaging import segments
from fansub.messaging.api import serializers as ms
from fansub.messaging.selectors import (
    hidden_message_ids,
    inbox,
    locked_message_ids,
    message_dict,
    message_media,
    thread_messages,
)
from fansub.messaging.services import mass_messages
from fansub.messaging.services import messages as messaging


class ThreadsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ms.ThreadListSerializer})
    def get(self, request: Request) -> Response:
        me = request.user
        return Response({"results": [{
            "id": t.pk, "with": (t.creator if t.fan_id == me.pk else t.fan).handle,
            "last_message_at": t.last_message_at, "unread": t.unread,
        } for t in inbox(me)]})


class StartThreadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ms.TextInput,
                   responses={201: ms.StartedThreadMessageSerializer, **errors(400, 403, 404, 409, 422)})
    def post(self, request: Request, handle: str) -> Response:
        other = active_user_by_handle(handle)
        if other is None:
            raise NotFoundError("No such account.")
        body = ms.TextInput(data=request.data)
        body.is_valid(raise_exception=True)
        message = messaging.start_conversation(request.user, other, body.validated_data["text"])
        return Response({"thread_id": message.thread_id, **message_dict(message)},  # a first message has no media
                        status=status.HTTP_201_CREATED)


class ThreadMessagesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[ms.ThreadMessagesQuery], responses={200: ms.MessagePageSerializer, **errors(400, 404)})
    def get(self, request: Request, thread_id: int) -> Response:
        query = ms.ThreadMessagesQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        _, rows = thread_messages(request.user, thread_id, before_id=query.validated_data["before"])
        locked = locked_message_ids(request.user, rows)
        hidden = hidden_message_ids(request.user, rows)
        media = message_media(request.user, rows, locked=locked, hidden=hidden)
        return Response({"results": [message_dict(m, locked=m.pk in locked, hidden=m.pk in hidden,
                                                  media=media.get(m.pk)) for m in rows],
                         "before": rows[0].pk if len(rows) == 50 else None})

    @extend_schema(request=ms.TextInput, responses={201: ms.MessageSerializer, **errors(400, 403, 404, 409, 422)})
    def post(self, request: Request, thread_id: int) -> Response:
        body = ms.TextInput(data=request.data)
        body.is_valid(raise_exception=True)
        message = messaging.send(request.user, thread_id, body.validated_data["text"],
                                 media_ids=tuple(str(m) for m in body.validated_data["media_ids"]))
        media = message_media(request.user, [message], locked=set(), hidden=set())  # the sender's own
        return Response(message_dict(message, media=media.get(message.pk)), status=status.HTTP_201_CREATED)


class ThreadReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, **errors(404)})
    def post(self, request: Request, thread_id: int) -> Response:
        messaging.mark_read(request.user, thread_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MassMessagesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[ms.SegmentCountsQuery], responses={200: ms.SegmentCountsSerializer, **errors(400)})
    def get(self, request: Request) -> Response:
        query = ms.SegmentCountsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response({"segment_counts": segments.segment_counts(request.user, query.validated_data["tier_ids"])})

    @extend_schema(request=ms.MassMessageInput,
                   responses={202: ms.MassMessageQueuedSerializer, **errors(400, 403, 404, 409)})
    def post(self, request: Request) -> Response:
        body = ms.MassMessageInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        price = data.pop("price")
        mass = mass_messages.queue(request.user, text=data["text"], segment=data["segment"],
                                   tier_ids=data["tier_ids"],
                                   price=price,
                                   media_ids=tuple(str(m) for m in data["media_ids"]))
        mass.refresh_from_db()
        return Response({"id": mass.pk, "status": mass.status, "recipients_total": mass.recipients_total,
                         "delivered_count": mass.delivered_count, "skipped_already_offered": mass.skipped_count},
                        status=status.HTTP_202_ACCEPTED)


class MessagePolicyView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ms.MessagePolicyInput, responses={204: None, **errors(400, 403)})
    def put(self, request: Request) -> Response:
        body = ms.MessagePolicyInput(data=request.data)
        body.is_valid(raise_exception=True)
        messaging.set_message_policy(request.user, body.validated_data["policy"])
        return Response(status=status.HTTP_204_NO_CONTENT)
