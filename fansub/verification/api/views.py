"""Verification endpoints: fans start age checks, providers call back, creators submit identity documents."""

import re

from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from common.api.schema import errors
from fansub.accounts.models import FanProfile, Role
from fansub.verification.age_rules import jurisdiction_of
from fansub.verification.api import serializers as s
from fansub.verification.services import age_assurance, creator_verification


class VerificationStatusView(APIView):
    """The caller's own verification state (fan: age assurance; creator: identity)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.VerificationStatusSerializer})
    def get(self, request: Request) -> Response:
        user = request.user
        body = {"role": user.role, "age_assurance_met": None, "age_rule": None, "latest_age_check": None,
                "identity_verified": None, "identity_verification": None}
        if user.role == Role.FAN:
            profile = FanProfile.objects.filter(user=user).first()
            rule = age_assurance.rule_for_user(user)
            body["age_assurance_met"] = age_assurance.has_valid_age_assurance(user)
            body["age_rule"] = {
                "jurisdiction": jurisdiction_of(profile.country, profile.region) if profile else "",
                "requires_assurance": rule.requires_assurance, "methods": sorted(rule.methods),
                "validity_days": rule.validity_days}
            body["latest_age_check"] = age_assurance.latest_check(user)
        elif user.role == Role.CREATOR:
            body["identity_verified"] = creator_verification.is_verified_creator(user)
            body["identity_verification"] = creator_verification.current_verification(user)
        return Response(s.VerificationStatusSerializer(body).data)


class AgeCheckStartView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.AgeCheckStartSerializer,
                   responses={201: s.AgeCheckStartedSerializer, **errors(400, 403, 409)})
    def post(self, request: Request) -> Response:
        body = s.AgeCheckStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        started = age_assurance.start_check(request.user, body.validated_data["method"])
        data = s.AgeCheckSerializer(started.check).data
        data["redirect_url"] = request.build_absolute_uri(started.redirect_url)
        return Response(data, status=status.HTTP_201_CREATED)


@method_decorator(csrf_exempt, name="dispatch")
class AgeWebhookView(APIView):
    """Provider callback. Authenticated by its HMAC signature only (no session, no token, no CSRF)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(request={"application/json": OpenApiTypes.OBJECT},
                   responses={200: s.AgeWebhookOutcomeSerializer, **errors(400, 404, 409, 503)},
                   description="The provider's signed payload, verified over its exact bytes (HMAC header).")
    def post(self, request: Request, provider: str) -> Response:
        if not re.fullmatch(r"[a-z0-9_-]{1,40}", provider):
            return Response({"error": {"code": "UNKNOWN_PROVIDER", "message": "Unknown provider.", "details": {}}},
                            status=status.HTTP_404_NOT_FOUND)
        raw = request.body  # read before anything parses it: the signature covers these exact bytes
        headers = {key: value for key, value in request.headers.items()}
        outcome = age_assurance.handle_callback(provider, headers, raw)
        return Response({"status": outcome})


class IdentityVerificationView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "signup"

    @extend_schema(responses={200: PolymorphicProxySerializer(
        component_name="IdentityVerificationState", resource_type_field_name=None,
        serializers=[s.IdentityVerificationSerializer, s.NoIdentityVerificationSerializer])})
    def get(self, request: Request) -> Response:
        verification = creator_verification.current_verification(request.user)
        if verification is None:
            return Response({"status": None})
        return Response(s.IdentityVerificationSerializer(verification).data)

    @extend_schema(request={"multipart/form-data": s.IdentitySubmitSerializer},
                   responses={201: s.IdentityVerificationSerializer, **errors(400, 403, 409)})
    def post(self, request: Request) -> Response:
        body = s.IdentitySubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["aliases"] = [a for a in re.split(r"[,\n]", data.pop("aliases", "")) if a.strip()]
        verification = creator_verification.submit_identity(
            request.user, creator_verification.IdentitySubmission(**data))
        return Response(s.IdentityVerificationSerializer(verification).data, status=status.HTTP_201_CREATED)
