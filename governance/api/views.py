"""The privacy requests API: ask (with the password again), follow, withdraw."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.schema import errors
from governance.api import serializers as s
from governance.services import dsar


class PrivacyRequestListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.PrivacyRequestSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(s.PrivacyRequestSerializer(dsar.requests_of(request.user), many=True).data)

    @extend_schema(request=s.PrivacyRequestInput, responses={201: s.PrivacyRequestSerializer, **errors(403, 409)},
                   description="Access, portability, erasure (deletes the account) or rectification. The "
                               "password confirms it is you; the answer is due one calendar month later.")
    def post(self, request: Request) -> Response:
        body = s.PrivacyRequestInput(data=request.data)
        body.is_valid(raise_exception=True)
        created = dsar.submit_own(request.user, body.validated_data["kind"],
                                  password=body.validated_data["password"],
                                  details=body.validated_data.get("details", ""))
        created.refresh_from_db()
        return Response(s.PrivacyRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class PrivacyRequestDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.PrivacyRequestSerializer, **errors(404)})
    def get(self, request: Request, public_id: str) -> Response:
        return Response(s.PrivacyRequestSerializer(dsar.own_request(request.user, public_id)).data)


class PrivacyRequestWithdrawView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: s.PrivacyRequestSerializer, **errors(404, 409)})
    def post(self, request: Request, public_id: str) -> Response:
        return Response(s.PrivacyRequestSerializer(dsar.withdraw(request.user, public_id)).data)
