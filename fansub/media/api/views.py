from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.schema import errors
from fansub.media import selectors
from fansub.media.api import serializers as s
from fansub.media.services import uploads
from fansub.media.services.deletion import delete_media_item

REUSED = "The same file was already in the vault: that item is returned (reused is true)."


class MediaListView(generics.ListCreateAPIView):
    """The caller's vault (creators only), and multipart upload of one file."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.MediaItemSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(parameters=[s.VaultQuery], responses={200: s.MediaItemSerializer(many=True), **errors(400, 403)})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # noqa: ANN201
        uploads.require_creator(self.request.user)
        query = s.VaultQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        return selectors.vault(self.request.user, kind=params["kind"] or None,
                               use=params["use"] or None, state=params["state"] or None)

    @extend_schema(request={"multipart/form-data": s.UploadSerializer},
                   responses={201: OpenApiResponse(s.MediaUploadedSerializer, description="Stored; processing starts."),
                              200: OpenApiResponse(s.MediaUploadedSerializer, description=REUSED),
                              **errors(400, 403, 409, 413, 422)})
    def post(self, request: Request, *args, **kwargs) -> Response:
        uploads.require_creator(request.user)
        body = s.UploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        result = uploads.upload_media(request.user, upload, size=upload.size, name=upload.name,
                                      content_type=upload.content_type or "",
                                      is_adult=body.validated_data.get("is_adult"), surface="api")
        result.item.refresh_from_db()
        data = s.MediaItemSerializer(result.item, context={"request": request}).data
        return Response({**data, "reused": result.reused},
                        status=status.HTTP_200_OK if result.reused else status.HTTP_201_CREATED)


class MediaDetailView(APIView):
    """One item: its state while processing, and the rendition URLs this caller may use."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: s.MediaItemSerializer, **errors(404)})
    def get(self, request: Request, public_id: str) -> Response:
        item = selectors.item_for_viewer(request.user, public_id)
        if item is None:
            raise Http404
        return Response(s.MediaItemSerializer(item, context={"request": request}).data)

    @extend_schema(responses={204: None, **errors(403, 404, 409)})
    def delete(self, request: Request, public_id: str) -> Response:
        item = selectors.item_for_viewer(request.user, public_id)
        if item is None:
            raise Http404
        delete_media_item(request.user, item)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DirectUploadStartView(APIView):
    """Presigned POST for a direct-to-S3 upload (409 DIRECT_UPLOAD_UNAVAILABLE on local storage)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(request=s.DirectUploadRequestSerializer,
                   responses={201: s.DirectUploadSerializer, **errors(400, 403, 409)})
    def post(self, request: Request) -> Response:
        body = s.DirectUploadRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        direct = uploads.start_direct_upload(request.user, **body.validated_data)
        return Response({"ticket": direct.ticket.public_id, "url": direct.url, "fields": direct.fields,
                         "expires_at": direct.ticket.expires_at}, status=status.HTTP_201_CREATED)


class DirectUploadCompleteView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={
        201: OpenApiResponse(s.MediaUploadedSerializer, description="Stored; processing starts."),
        200: OpenApiResponse(s.MediaUploadedSerializer, description=REUSED),
        **errors(400, 403, 404, 409, 413, 422)})
    def post(self, request: Request, ticket: str) -> Response:
        result = uploads.complete_direct_upload(request.user, ticket)
        result.item.refresh_from_db()
        data = s.MediaItemSerializer(result.item, context={"request": request}).data
        return Response({**data, "reused": result.reused},
                        status=status.HTTP_200_OK if result.reused else status.HTTP_201_CREATED)
