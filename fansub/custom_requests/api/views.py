"""API for paid custom requests (both sides) and the creator's request settings."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.schema import errors
from common.errors import NotFoundError, ValidationFailed
from fansub.accounts.models import User
from fansub.custom_requests import selectors as request_selectors
from fansub.custom_requests.api.serializers import (
    ActionInput,
    CustomRequestListSerializer,
    CustomRequestSerializer,
    RequestTermsSerializer,
    SettingsInput,
    SubmitInput,
)
from fansub.custom_requests.models import CustomRequest, RequestSettings
from fansub.custom_requests.services import custom_requests as svc
from fansub.posts.selectors import creator_by_handle
from payments.api.fields import money_dict
from payments.api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from payments.money import Money


def request_dict(req: CustomRequest, viewer: User) -> dict[str, Any]:
    return {
        "id": req.pk, "fan": req.fan.handle, "creator": req.creator.handle, "kind": req.kind,
        "description": req.description, "price": money_dict(req.price), "status": req.status,
        "desired_by": req.desired_by, "respond_by": req.respond_by, "deliver_by": req.deliver_by,
        "review_until": req.review_until, "delivery_note": req.delivery_note if req.delivered_at else None,
        "resolution": req.resolution or None, "refunded": money_dict(Money(req.refunded_minor, req.currency)),
        "steps": [{"from": s.from_status, "to": s.to_status, "price_minor": s.price_minor, "at": s.created_at}
                  for s in req.steps.all()],
    }


class RequestSettingsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=SettingsInput, responses={200: RequestTermsSerializer, **errors(400, 403)})
    def put(self, request: Request) -> Response:
        body = SettingsInput(data=request.data)
        body.is_valid(raise_exception=True)
        terms = svc.configure(request.user, **body.validated_data)
        return Response(_terms_dict(terms))


def _terms_dict(terms: RequestSettings) -> dict[str, Any]:
    return {"enabled": terms.enabled, "currency": terms.currency,
            "min_prices": {k: money_dict(Money(v, terms.currency)) for k, v in terms.min_prices.items()},
            "turnaround_days": terms.turnaround_days, "slots": terms.slots}


class CreatorRequestTermsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: RequestTermsSerializer, **errors(404)})
    def get(self, request: Request, handle: str) -> Response:
        profile = creator_by_handle(request.user, handle)
        terms = request_selectors.open_terms(profile.user) if profile else None
        if terms is None:
            raise NotFoundError("This creator takes no custom requests.")
        return Response(_terms_dict(terms))


MONEY_ACTIONS = frozenset({"accept", "approve"})  # accepting charges the hold; approving releases it


class RequestsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="requests_list", responses={200: CustomRequestListSerializer})
    def get(self, request: Request) -> Response:
        rows = request_selectors.requests_of(request.user)[:200]
        return Response({"results": [request_dict(r, request.user) for r in rows]})

    @extend_schema(operation_id="requests_create", parameters=[IDEMPOTENCY_KEY_PARAMETER], request=SubmitInput,
                   responses={201: CustomRequestSerializer, **errors(400, 402, 403, 404, 409, 422)})
    @idempotent("custom_requests.submit")
    def post(self, request: Request) -> Response:
        body = SubmitInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        profile = creator_by_handle(request.user, data["creator"])
        if profile is None:
            raise NotFoundError("No such creator.")
        creator = profile.user
        req = svc.submit(request.user, creator, kind=data["kind"], description=data["description"],
                         price=data["price"],
                         desired_by=data["desired_by"], payment_method=data["payment_method"])
        return Response(request_dict(request_selectors.request_for_viewer(request.user, req.pk), request.user),
                        status=status.HTTP_201_CREATED)


class RequestDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="requests_retrieve", responses={200: CustomRequestSerializer, **errors(404)})
    def get(self, request: Request, request_id: int) -> Response:
        return Response(request_dict(request_selectors.request_for_viewer(request.user, request_id), request.user))

    @extend_schema(operation_id="requests_action", parameters=[IDEMPOTENCY_KEY_PARAMETER], request=ActionInput,
                   responses={200: CustomRequestSerializer, **errors(400, 402, 403, 404, 409, 422)})
    @idempotent("custom_requests.action:{request_id}", moves_money=lambda r: r.data.get("action") in MONEY_ACTIONS)
    def post(self, request: Request, request_id: int) -> Response:
        body = ActionInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user, action = request.user, data["action"]
        price = data.get("price")
        if action in ("counter", "revise") and price is None:
            raise ValidationFailed(details={"price": ["Required."]})
        {
            "counter": lambda: svc.counter(user, request_id, price=price, note=data["note"]),
            "revise": lambda: svc.revise(user, request_id, price=price, note=data["note"]),
            "accept": lambda: svc.accept(user, request_id),
            "decline": lambda: svc.decline(user, request_id, data["note"]),
            "withdraw": lambda: svc.withdraw(user, request_id),
            "deliver": lambda: svc.deliver(user, request_id, note=data["note"],
                                           media_ids=[str(m) for m in data["media_ids"]]),
            "approve": lambda: svc.approve(user, request_id),
            "dispute": lambda: svc.dispute(user, request_id, data["reason"]),
        }[action]()
        return Response(request_dict(request_selectors.request_for_viewer(user, request_id), user))
