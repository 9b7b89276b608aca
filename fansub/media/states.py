"""The one transition table of a media item's processing."""

from common.state_machine import TransitionTable
from fansub.media.models import MediaState as S

MEDIA_TRANSITIONS = TransitionTable("media_item", {
    S.UPLOADED: {S.PROCESSING, S.FAILED},
    # processing -> processing is a retry after a crashed or failed attempt
    S.PROCESSING: {S.PROCESSING, S.READY, S.FAILED, S.QUARANTINED},
    S.READY: {S.QUARANTINED},  # moderation may pull a ready item later
    S.QUARANTINED: {S.READY},  # moderation may release it
    S.FAILED: set(),
})
