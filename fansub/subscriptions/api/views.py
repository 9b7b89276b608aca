"""API for subscribing, trials, promotions, the fan's subscriptions and the creator's subscribers."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.schema import REQUIRES_ACTION, errors
from fansub.offers.services import tiers as offer
from fansub.subscriptions.api import serializers as ss
from fansub.subscriptions.models import Subscription
from fansub.subscriptions.selectors import creator_subscribers, fan_subscriptions
from fansub.subscriptions.services import subscriptions
from payments.api.fields import money_dict
from payments.api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent


def subscription_dict(sub: Subscription) -> dict[str, Any]:
    return {
        "id": sub.pk, "creator": sub.creator.handle, "tier_id": sub.tier_id, "tier_name": sub.tier.name,
        "status": sub.status, "billing_months": sub.billing_months, "renews": sub.renews,
        "current_period_start": sub.current_period_start, "current_period_end": sub.current_period_end,
        "grace_until": sub.grace_until, "next_retry_at": sub.next_retry_at,
        "pending_tier_id": sub.pending_tier_id, "cancel_effective_at": sub.current_period_end
        if sub.status == "canceled" else None,
    }


class SubscriptionsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ss.SubscriptionListSerializer})
    def get(self, request: Request) -> Response:
        return Response({"results": [subscription_dict(s) for s in fan_subscriptions(request.user)]})

    @extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER], request=ss.SubscribeInput,
                   responses={201: OpenApiResponse(ss.SubscriptionSerializer, description="Subscribed."),
                              202: OpenApiResponse(ss.RequiresActionSerializer, description=REQUIRES_ACTION),
                              **errors(400, 402, 403, 404, 409, 503)})
    @idempotent("subscriptions.subscribe")
    def post(self, request: Request) -> Response:
        key = request.idempotency_key
        body = ss.SubscribeInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = subscriptions.subscribe(request.user, data["tier_id"], months=data["months"],
                                         promotion_code=data["promotion_code"] or None,
                                         payment_method=data["payment_method"], idempotency_key=key,
                                         confirmed_country=data["confirmed_country"].upper())
        if result.requires_action:
            return Response({"status": "requires_action", "checkout_id": result.checkout.pk,
                             "client_action": result.client_action}, status=status.HTTP_202_ACCEPTED)
        return Response(subscription_dict(result.subscription), status=status.HTTP_201_CREATED)


class QuoteView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ss.SubscribeInput, responses={200: ss.QuoteSerializer, **errors(400, 403, 404, 409)})
    def post(self, request: Request) -> Response:
        body = ss.SubscribeInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        q = subscriptions.quote_subscription(request.user, data["tier_id"], months=data["months"],
                                             promotion_code=data["promotion_code"] or None)
        price = q.price
        return Response({
            "tier_id": q.tier.pk, "months": q.months, "first_period": money_dict(q.first_period),
            "recurring": money_dict(q.recurring), "promotion_applied": q.promotion is not None,
            "net": money_dict(price.net) if price else None, "tax": money_dict(price.tax) if price else None,
            "total": money_dict(price.total if price else q.first_period),
            "tax_rate": price.tax_rate if price else None, "jurisdiction": price.jurisdiction if price else None,
        })


class CancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ss.SubscriptionSerializer, **errors(404, 409)})
    def post(self, request: Request, subscription_id: int) -> Response:
        return Response(subscription_dict(subscriptions.cancel(request.user, subscription_id)))


class ResumeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ss.SubscriptionSerializer, **errors(404, 409)})
    def post(self, request: Request, subscription_id: int) -> Response:
        return Response(subscription_dict(subscriptions.resume(request.user, subscription_id)))


class AcceptPriceView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ss.SubscriptionSerializer, **errors(404, 409)})
    def post(self, request: Request, subscription_id: int) -> Response:
        return Response(subscription_dict(subscriptions.accept_price(request.user, subscription_id)))


class ChangeTierView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER], request=ss.ChangeTierInput,
                   responses={200: OpenApiResponse(ss.SubscriptionSerializer, description="Tier changed."),
                              202: OpenApiResponse(ss.RequiresActionSerializer, description=REQUIRES_ACTION),
                              **errors(400, 402, 403, 404, 409, 503)})
    @idempotent("subscriptions.change_tier:{subscription_id}")
    def post(self, request: Request, subscription_id: int) -> Response:
        key = request.idempotency_key
        body = ss.ChangeTierInput(data=request.data)
        body.is_valid(raise_exception=True)
        result = subscriptions.change_tier(request.user, subscription_id, body.validated_data["tier_id"],
                                           idempotency_key=key,
                                           payment_method=body.validated_data["payment_method"] or None)
        if result.requires_action:
            return Response({"status": "requires_action", "client_action": result.client_action},
                            status=status.HTTP_202_ACCEPTED)
        sub = Subscription.objects.select_related("tier", "creator").get(pk=subscription_id)
        return Response(subscription_dict(sub))


class PaymentMethodView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ss.PaymentMethodInput, responses={200: ss.SubscriptionSerializer, **errors(400, 404, 409)})
    def put(self, request: Request, subscription_id: int) -> Response:
        body = ss.PaymentMethodInput(data=request.data)
        body.is_valid(raise_exception=True)
        sub = subscriptions.update_payment_method(request.user, subscription_id,
                                                  body.validated_data["payment_method"])
        return Response(subscription_dict(sub))


class TrialClaimView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ss.TrialClaimInput,
                   responses={201: ss.SubscriptionSerializer, **errors(400, 402, 403, 404, 409)})
    def post(self, request: Request, code: str) -> Response:
        body = ss.TrialClaimInput(data=request.data)
        body.is_valid(raise_exception=True)
        sub = subscriptions.claim_trial(request.user, code, **body.validated_data)
        return Response(subscription_dict(sub), status=status.HTTP_201_CREATED)


class SubscribersView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[ss.SubscribersQuery], responses={200: ss.SubscribersSerializer, **errors(400)})
    def get(self, request: Request) -> Response:
        query = ss.SubscribersQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = creator_subscribers(request.user, status=query.validated_data["status"])
        return Response({
            "status": data["status"], "counts": data["counts"],
            "results": [{"fan": s.fan.handle, **subscription_dict(s)} for s in data["rows"]],
            "tiers": [{"id": t.pk, "name": t.name, "members": t.members,
                       "monthly_revenue": money_dict(t.monthly_revenue)} for t in data["tiers"]],
        })


class TrialLinksView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ss.TrialLinkInput, responses={201: ss.TrialLinkSerializer, **errors(400, 403, 404, 409)})
    def post(self, request: Request) -> Response:
        body = ss.TrialLinkInput(data=request.data)
        body.is_valid(raise_exception=True)
        link = offer.create_trial_link(request.user, **body.validated_data)
        return Response({"code": link.code, "tier_id": link.tier_id, "days": link.days,
                         "max_claims": link.max_claims, "expires_at": link.expires_at}, status=status.HTTP_201_CREATED)


class PromotionsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ss.PromotionInput, responses={201: ss.PromotionSerializer, **errors(400, 403, 404, 409)})
    def post(self, request: Request) -> Response:
        body = ss.PromotionInput(data=request.data)
        body.is_valid(raise_exception=True)
        promo = offer.create_promotion(request.user, **body.validated_data)
        return Response({"code": promo.code, "tier_id": promo.tier_id, "kind": promo.kind,
                         "periods": promo.periods}, status=status.HTTP_201_CREATED)
