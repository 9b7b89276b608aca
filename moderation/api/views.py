"""Reports and appeals over the API. Thin: validate, call a service, serialize."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.schema import errors
from moderation.api import serializers as ms
from moderation.models import Appeal, Report
from moderation.services import appeals, reports


def report_dict(report: Report) -> dict:
    return {"id": report.public_id, "target_kind": report.target_kind, "category": report.category,
            "status": report.status, "created_at": report.created_at}


class ReportCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ms.ReportInput, responses={201: ms.ReportOutput, **errors(400, 404)},
                   summary="Report a post, comment, message, profile, tip note, custom request or media item",
                   description="Identical open reports (same thing, same category) are merged into one case; "
                               "the reporter is told the outcome by email.")
    def post(self, request: Request) -> Response:
        data = ms.ReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = reports.file_report(request.user, **data.validated_data)
        return Response(ms.ReportOutput(report_dict(report)).data, status=status.HTTP_201_CREATED)


def appeal_dict(appeal: Appeal) -> dict:
    return {"action_id": appeal.action.public_id, "status": appeal.status, "created_at": appeal.created_at}


class AppealCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ms.AppealInput, responses={201: ms.AppealOutput, **errors(400, 404, 409)},
                   summary="Appeal a moderation decision on your account (once, within the appeal window)")
    def post(self, request: Request, action_id: str) -> Response:
        data = ms.AppealInput(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = appeals.file_appeal(request.user, action_id, data.validated_data["statement"])
        return Response(ms.AppealOutput(appeal_dict(appeal)).data, status=status.HTTP_201_CREATED)
