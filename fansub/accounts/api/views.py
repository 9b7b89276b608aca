from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from common.api.schema import errors
from common.errors import PermissionDeniedError
from fansub.accounts import selectors as account_selectors
from fansub.accounts.api import serializers as s
from fansub.accounts.models import FanProfile, Role
from fansub.accounts.services import accounts, notifications
from fansub.posts import selectors

PROFILE = PolymorphicProxySerializer(
    component_name="Profile", resource_type_field_name=None,
    serializers=[s.FanProfileReadSerializer, s.CreatorProfileSerializer])
PROFILE_UPDATE = PolymorphicProxySerializer(
    component_name="ProfileUpdate", resource_type_field_name=None,
    serializers=[s.FanProfileSerializer, s.CreatorProfileSerializer])

class SignupView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "signup"

    @extend_schema(request=s.SignupSerializer, responses={201: s.MeSerializer, **errors(400)})
    def post(self, request: Request) -> Response:
        body = s.SignupSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = accounts.sign_up(accounts.SignupData(**body.validated_data))
        return Response(s.MeSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    """Exchange email + password for an API token (throttled against brute force)."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(operation_id="auth_token_create", request=s.TokenRequestSerializer,
                   responses={200: s.TokenSerializer, **errors(400, 401)})
    def post(self, request: Request) -> Response:
        body = s.TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        key = accounts.issue_api_token(request._request, body.validated_data["email"],
                                       body.validated_data["password"], body.validated_data.get("otp_token", ""))
        return Response({"token": key})

    @extend_schema(operation_id="auth_token_destroy", responses={204: None})
    def delete(self, request: Request) -> Response:
        if request.user.is_authenticated:
            Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.MeSerializer})
    def get(self, request: Request) -> Response:
        return Response(s.MeSerializer(request.user).data)


class MyProfileView(APIView):
    """The caller's own fan or creator profile."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: PROFILE, **errors(404)},
                   description="A fan gets their FanProfile, a creator their CreatorProfile.")
    def get(self, request: Request) -> Response:
        user = request.user
        if user.role == Role.CREATOR:
            return Response(s.CreatorProfileSerializer(user.creator_profile).data)
        return Response(s.FanProfileSerializer(get_object_or_404(FanProfile, user=user)).data)

    @extend_schema(request=PROFILE_UPDATE, responses={200: PROFILE, **errors(400, 403, 404, 422)},
                   description="Partial update of the caller's own profile (fan or creator fields).")
    def patch(self, request: Request) -> Response:
        user = request.user
        if user.role == Role.CREATOR:
            body = s.CreatorProfileSerializer(data=request.data, partial=True)
            body.is_valid(raise_exception=True)
            profile = accounts.update_creator_profile(user, dict(body.validated_data))
            return Response(s.CreatorProfileSerializer(profile).data)
        if user.role != Role.FAN:
            raise PermissionDeniedError("Staff accounts have no fan profile.")
        body = s.FanProfileSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        profile = accounts.update_fan_profile(user, **body.validated_data)
        return Response(s.FanProfileSerializer(profile).data)


class CreatorListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.PublicCreatorSerializer

    def get_queryset(self):  # noqa: ANN201
        return selectors.discoverable_creators(self.request.user)


class CreatorDetailView(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.PublicCreatorSerializer
    lookup_field = "user__handle"
    lookup_url_kwarg = "handle"

    @extend_schema(responses={200: s.PublicCreatorSerializer, **errors(404)})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # noqa: ANN201
        return selectors.visible_creators(self.request.user)


class NotificationListView(generics.ListAPIView):
    """The caller's own notifications, newest first, a page at a time."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.NotificationSerializer

    @extend_schema(parameters=[OpenApiParameter("unread", bool, description="Only notifications not yet read.")])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # noqa: ANN201
        unread_only = self.request.query_params.get("unread", "").lower() in {"1", "true", "yes"}
        return account_selectors.notification_rows(self.request.user, unread_only=unread_only)


class NotificationUnreadCountView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.UnreadCountSerializer})
    def get(self, request: Request) -> Response:
        return Response({"unread": account_selectors.unread_notification_count(request.user)})


class NotificationReadView(APIView):
    """Mark one of the caller's notifications read (a repeat is harmless; someone else's is not found)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: s.NotificationSerializer, **errors(404)})
    def post(self, request: Request, notification_id: int) -> Response:
        return Response(s.NotificationSerializer(notifications.mark_read(request.user, notification_id)).data)


class NotificationReadAllView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: s.MarkedReadSerializer})
    def post(self, request: Request) -> Response:
        return Response({"marked": notifications.mark_all_read(request.user)})


class NotificationPreferencesView(APIView):
    """Which channels (in-app, email) each kind of notification uses for the caller."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.NotificationPreferencesSerializer})
    def get(self, request: Request) -> Response:
        return Response(_channels_body(request.user))

    @extend_schema(request=s.NotificationPreferencesSerializer,
                   responses={200: s.NotificationPreferencesSerializer, **errors(400)})
    def patch(self, request: Request) -> Response:
        body = s.NotificationPreferencesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notifications.set_preferences(request.user, body.validated_data)
        return Response(_channels_body(request.user))


def _channels_body(user: object) -> dict[str, dict[str, bool]]:
    return {kind: {"in_app": in_app, "email": email}
            for kind, (in_app, email) in account_selectors.notification_channels(user).items()}
