"""Sending private files: Django streaming with single HTTP ranges, X-Accel-Redirect / X-Sendfile
when a web server in front does the sending, or a redirect to a presigned S3 GET."""

import re
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

from fansub.media import storage
from fansub.media.services.delivery import DeliveredFile

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _private_headers(response: HttpResponse, *, cache_seconds: int) -> HttpResponse:
    response["Cache-Control"] = f"private, max-age={cache_seconds}" if cache_seconds else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Referrer-Policy"] = "no-referrer"
    return response


def send(request: HttpRequest, file: DeliveredFile, *, cache_seconds: int = 0, inline: bool = True) -> HttpResponse:
    disposition = content_disposition_header(not inline, file.filename)
    if storage.is_s3():
        url = storage.presigned_get(file.key, filename=file.filename, content_type=file.content_type)
        return _private_headers(HttpResponseRedirect(url), cache_seconds=0)
    mode = settings.MEDIA_SERVE_MODE
    if mode in ("x-accel-redirect", "x-sendfile"):
        response = HttpResponse(content_type=file.content_type)
        if mode == "x-accel-redirect":
            response["X-Accel-Redirect"] = settings.MEDIA_X_ACCEL_PREFIX.rstrip("/") + "/" + file.key
        else:
            response["X-Sendfile"] = str(storage.local_path(file.key))
        response["Content-Disposition"] = disposition
        return _private_headers(response, cache_seconds=cache_seconds)
    return _private_headers(_stream(request, storage.local_path(file.key), file, disposition),
                            cache_seconds=cache_seconds)


def _stream(request: HttpRequest, path: Path, file: DeliveredFile, disposition: str) -> HttpResponse:
    size = path.stat().st_size
    header = request.headers.get("Range", "")
    match = _RANGE.match(header.strip()) if header else None
    if header and not match:
        return _unsatisfiable(size)
    if match:
        first, last = match.groups()
        if first == "" and last == "":
            return _unsatisfiable(size)
        if first == "":
            start, end = max(0, size - int(last)), size - 1
        else:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        if start >= size or start > end:
            return _unsatisfiable(size)
        handle = open(path, "rb")  # noqa: SIM115 - closed by the response
        handle.seek(start)
        response = FileResponse(_limited(handle, end - start + 1), status=206, content_type=file.content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(open(path, "rb"), content_type=file.content_type)  # noqa: SIM115
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = disposition
    return response


def _limited(handle, remaining: int):  # noqa: ANN001
    try:
        while remaining > 0:
            chunk = handle.read(min(64 * 1024, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _unsatisfiable(size: int) -> HttpResponse:
    response = HttpResponse(status=416)
    response["Content-Range"] = f"bytes */{size}"
    return response


def send_playlist(text: str, content_type: str) -> HttpResponse:
    """A viewer's own playlist: never cached (its links are signed for them and expire)."""
    return _private_headers(HttpResponse(text, content_type=content_type), cache_seconds=0)
