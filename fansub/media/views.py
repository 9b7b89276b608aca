"""Media pages and file routes. Thin: parse, call one service or selector, render or send."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import DomainError, SignedUrlInvalid
from fansub.media import http, selectors
from fansub.media.models import MediaKind, MediaState, RenditionKind, UseKind
from fansub.media.services import delivery, signing, streaming, uploads
from fansub.media.services.deletion import delete_media_item


def _error_response(error: DomainError) -> HttpResponse:
    return JsonResponse(error.as_body(), status=error.status)


def _require_creator(request: HttpRequest) -> None:
    try:
        uploads.require_creator(request.user)
    except DomainError as error:
        raise PermissionDenied(error.message) from error


@login_required
@require_GET
def library(request: HttpRequest) -> HttpResponse:
    _require_creator(request)
    kind, use, state = request.GET.get("kind") or None, request.GET.get("use") or None, request.GET.get("state") or None
    items = list(selectors.vault(request.user, kind=kind, use=use, state=state)[:200])
    cards = [{"item": item, "urls": selectors.rendition_urls(request.user, item)} for item in items]
    return render(request, "media/library.html", {
        "cards": cards, "kind": kind or "", "use": use or "", "state": state or "",
        "kinds": MediaKind.choices, "uses": [*UseKind.choices, ("unused", "Not used")], "states": MediaState.choices,
    })


@login_required
@require_http_methods(["GET", "POST"])
def upload_page(request: HttpRequest) -> HttpResponse:
    """The page works without JavaScript (plain multipart form); with it, each file shows its progress."""
    _require_creator(request)
    if request.method == "POST":
        adult = request.POST.get("is_adult") == "on"
        files = request.FILES.getlist("file")
        if not files:
            messages.error(request, "Choose at least one file.")
        for upload in files:
            try:
                result = uploads.upload_media(request.user, upload, size=upload.size, name=upload.name,
                                              content_type=upload.content_type or "", is_adult=adult, surface="page")
            except DomainError as error:
                messages.error(request, f"{upload.name}: {error.message} ({error.code})")
            else:
                verb = "is already in your vault" if result.reused else "was uploaded"
                messages.success(request, f"{upload.name} {verb}.")
        return redirect("media-library")
    return render(request, "media/upload.html", {
        "direct": uploads.direct_uploads_enabled(),
        "max_image_mb": settings.MEDIA_MAX_IMAGE_BYTES // (1024 * 1024),
        "max_video_mb": settings.MEDIA_MAX_VIDEO_BYTES // (1024 * 1024),
    })


@login_required
@require_GET
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    _require_creator(request)
    item = selectors.owned_item(request.user, public_id)
    if item is None:
        raise Http404("No such media")
    return render(request, "media/detail.html", {"item": item, "urls": selectors.rendition_urls(request.user, item)})


@login_required
@require_POST
def delete(request: HttpRequest, public_id: str) -> HttpResponse:
    item = selectors.item_by_public_id(public_id)
    if item is None:
        raise Http404("No such media")
    try:
        delete_media_item(request.user, item)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("media-library")
    messages.success(request, "Deleted, with all its files.")
    return redirect("media-library")


@require_GET
def preview(request: HttpRequest, public_id: str, kind: str) -> HttpResponse:
    item = selectors.item_for_viewer(request.user, public_id)
    if item is None:
        raise Http404("No such media")
    try:
        file = delivery.preview_file(request.user, item, kind)
    except DomainError as error:
        return _error_response(error)
    return http.send(request, file, cache_seconds=300)


@require_GET
def signed(request: HttpRequest, token: str) -> HttpResponse:
    """A final, original or poster behind a signed URL: bound to the viewer, re-checked at every use."""
    try:
        target = signing.verify(token, request.user)
    except SignedUrlInvalid as error:
        return _error_response(error)
    item = selectors.item_with_renditions(target.media_item_id)
    if item is None:
        raise Http404("No such media")
    try:
        file = delivery.deliver(request.user, item, target.kind, request.GET.get("size"))
    except DomainError as error:
        return _error_response(error)
    return http.send(request, file)


@require_GET
def stream_playlist(request: HttpRequest, token: str) -> HttpResponse:
    """A viewer's HLS playlist (per-viewer A/B segment choices) behind a signed URL bound to them."""
    try:
        target = signing.verify(token, request.user)
        if target.kind != RenditionKind.STREAM:
            raise SignedUrlInvalid(details={"reason": "bad_signature"})
    except SignedUrlInvalid as error:
        return _error_response(error)
    item = selectors.item_with_renditions(target.media_item_id)
    if item is None:
        raise Http404("No such media")
    try:
        text = streaming.playlist(request.user, item)
    except DomainError as error:
        return _error_response(error)
    return http.send_playlist(text, streaming.PLAYLIST_TYPE)


@require_GET
def stream_segment(request: HttpRequest, token: str) -> HttpResponse:
    """One segment of a viewer's playlist: the link is theirs, for that segment variant only."""
    try:
        target = signing.verify_segment(token, request.user)
        file = streaming.segment_file(request.user, target)
    except DomainError as error:
        return _error_response(error)
    return http.send(request, file, cache_seconds=3600)
