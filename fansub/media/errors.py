"""Stable error codes of the media pipeline."""

from common.errors import DomainError, PermissionDeniedError


class MediaTypeUnsupported(DomainError):
    code = "MEDIA_TYPE_UNSUPPORTED"
    status = 415
    default_message = "This file type is not supported, or its content does not match its name or type."


class MediaTooLarge(DomainError):
    code = "MEDIA_TOO_LARGE"
    status = 413
    default_message = "This file is larger than allowed."


class MediaCorrupt(DomainError):
    code = "MEDIA_CORRUPT"
    status = 422
    default_message = "This file is damaged or incomplete."


class MediaNotReady(DomainError):
    code = "MEDIA_NOT_READY"
    status = 409
    default_message = "This media is not ready yet."


class NotEntitled(PermissionDeniedError):
    code = "NOT_ENTITLED"
    default_message = "You do not have access to this media."


class CreatorRequired(PermissionDeniedError):
    code = "CREATOR_REQUIRED"
    default_message = "Only creators can upload media."


class SignedUrlInvalid(PermissionDeniedError):
    code = "SIGNED_URL_INVALID"
    default_message = "This link is invalid or has expired."


class UploadTicketInvalid(DomainError):
    code = "UPLOAD_TICKET_INVALID"
    status = 409
    default_message = "This upload is unknown, expired or already completed."
