"""API for paid custom requests (both sides) and the creator's request settings."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import NotFoundError, ValidationFailed
from fansub.accounts.models import User
from fansub.custom_requests.models import CustomRequest, RequestSettings, RequestType
from fansub.custom_requests.services import custom_requests as svc
from fansub.posts.api.serializers import MoneyField, money_dict
from governance.services.two_factor import has_staff_powers
from payments.money import Money


def request_dict(req: CustomRequest, viewer: Any) -> dict[str, Any]:
    return {
        "id": req.pk, "fan": req.fan.handle, "creator": req.creator.handle, "kind": req.kind,
        "description": req.description, "price": money_dict(req.price), "status": req.status,
        "desired_by": req.desired_by, "respond_by": req.respond_by, "deliver_by": req.deliver_by,
        "review_until": req.review_until, "delivery_note": req.delivery_note if req.delivered_at else None,
        "resolution": req.resolution or None, "refunded": money_dict(Money(req.refunded_minor, req.currency)),
        "steps": [{"from": s.from_status, "to": s.to_status, "price_minor": s.price_minor, "at": s.created_at}
                  for s in req.steps.all()],
    }


def _visible(viewer: Any, request_id: int) -> CustomRequest:
    req = (CustomRequest.objects.select_related("fan", "creator").prefetch_related("steps")
           .filter(pk=request_id).first())
    if req is None or (viewer.pk not in (req.fan_id, req.creator_id) and not has_staff_powers(viewer)):
        raise NotFoundError("No such request.")
    return req


class SettingsInput(serializers.Serializer):
    enabled = serializers.BooleanField()
    min_prices = serializers.DictField(child=serializers.IntegerField())
    turnaround_days = serializers.IntegerField()
    slots = serializers.IntegerField()
    prohibited_topics = serializers.ListField(child=serializers.CharField(max_length=60), default=list)


class RequestSettingsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=SettingsInput, responses={200: dict})
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

    @extend_schema(responses={200: dict})
    def get(self, request: Request, handle: str) -> Response:
        terms = RequestSettings.objects.filter(creator__handle__iexact=handle, enabled=True).first()
        if terms is None:
            raise NotFoundError("This creator takes no custom requests.")
        return Response(_terms_dict(terms))


class SubmitInput(serializers.Serializer):
    creator = serializers.CharField()
    kind = serializers.ChoiceField(choices=RequestType.values)
    description = serializers.CharField(max_length=4000)
    price = MoneyField()
    desired_by = serializers.DateField(required=False, allow_null=True, default=None)
    payment_method = serializers.CharField(max_length=100)


class RequestsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        field = "creator" if request.user.role == "creator" else "fan"
        rows = (CustomRequest.objects.filter(**{field: request.user}).select_related("fan", "creator")
                .prefetch_related("steps").order_by("-updated_at")[:200])
        return Response({"results": [request_dict(r, request.user) for r in rows]})

    @extend_schema(request=SubmitInput, responses={201: dict})
    def post(self, request: Request) -> Response:
        body = SubmitInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        creator = User.objects.filter(handle__iexact=data["creator"], role="creator").first()
        if creator is None:
            raise NotFoundError("No such creator.")
        price = Money(data["price"]["amount_minor"], data["price"]["currency"].upper())
        req = svc.submit(request.user, creator, kind=data["kind"], description=data["description"], price=price,
                         desired_by=data["desired_by"], payment_method=data["payment_method"])
        return Response(request_dict(_visible(request.user, req.pk), request.user), status=status.HTTP_201_CREATED)


class ActionInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["counter", "revise", "accept", "decline", "withdraw", "deliver",
                                              "approve", "dispute"])
    price = MoneyField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    media_ids = serializers.ListField(child=serializers.UUIDField(), default=list, max_length=20)


class RequestDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request: Request, request_id: int) -> Response:
        return Response(request_dict(_visible(request.user, request_id), request.user))

    @extend_schema(request=ActionInput, responses={200: dict})
    def post(self, request: Request, request_id: int) -> Response:
        body = ActionInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user, action = request.user, data["action"]
        price = Money(data["price"]["amount_minor"], data["price"]["currency"].upper()) if data.get("price") else None
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
        return Response(request_dict(_visible(user, request_id), user))
