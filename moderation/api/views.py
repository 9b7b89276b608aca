"""Reports and appeals over the API. Thin: validate, call a service, serialize.

DMCA API: thin views over moderation.services.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.schema import errors
from moderation.api import serializers as ms
from moderation.api import serializers as s
from moderation.models import Appeal, Report
from moderation.services import appeals, counter_notices, dmca_notices, repeat_infringers, reports


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


class NoticeCreateView(APIView):
    """File a DMCA notice (anyone, signed in or not)."""

    permission_classes = [AllowAny]

    @extend_schema(request=s.NoticeSerializer, responses={201: s.NoticesCreatedSerializer, **errors(400, 422)})
    def post(self, request: Request) -> Response:
        body = s.NoticeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notices = dmca_notices.submit_notice(body.validated_data, submitted_by=request.user)
        return Response({"notices": [{"notice_id": n.public_id, "status": n.status, "items": n.media_items.count()}
                                     for n in notices]}, status=status.HTTP_201_CREATED)


class CounterNoticeCreateView(APIView):
    """The uploader of disabled material files a counter-notice."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.CounterNoticeSerializer,
                   responses={201: s.CounterNoticeResultSerializer, **errors(400, 404, 409, 422)})
    def post(self, request: Request, notice_id: str) -> Response:
        body = s.CounterNoticeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        counter = counter_notices.submit_counter_notice(request.user, notice_id, body.validated_data)
        return Response({"counter_notice_id": counter.public_id, "notice_id": counter.notice.public_id,
                         "forwarded_at": counter.forwarded_at, "restore_from": counter.restore_from,
                         "restore_by": counter.restore_by}, status=status.HTTP_201_CREATED)


class SuitReportView(APIView):
    """The complainant, through the link sent with the counter-notice, reports a filed action."""

    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={200: s.SuitResultSerializer, **errors(404, 409)})
    def post(self, request: Request, token: str) -> Response:
        notice = counter_notices.notice_for_suit_token(token)
        notice = counter_notices.report_filed_action(notice, token=token)
        return Response({"notice_id": notice.public_id, "status": notice.status})


class StrikeAppealView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.StrikeAppealSerializer, responses={200: s.StrikeSerializer, **errors(400, 404, 409)})
    def post(self, request: Request, strike_id: int) -> Response:
        body = s.StrikeAppealSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        strike = repeat_infringers.appeal_strike(request.user, strike_id, note=body.validated_data["note"])
        return Response(s.StrikeSerializer(strike).data)


class PolicyView(APIView):
    """The repeat-infringer policy in numbers."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: s.PolicySerializer})
    def get(self, request: Request) -> Response:
        return Response(repeat_infringers.policy())
