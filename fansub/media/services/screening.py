"""Safety screening of processed media. Moderation registers its matchers here (hash lists, …).

A screener gets the item with its hashes filled in and returns a short reason code to quarantine
it, or None. A quarantined item keeps its files for review but is served to nobody but staff.
"""

from collections.abc import Callable

from fansub.media.models import MediaItem

Screener = Callable[[MediaItem], str | None]
_screeners: list[Screener] = []


def register_screener(screener: Screener) -> Screener:
    if screener not in _screeners:
        _screeners.append(screener)
    return screener


def unregister_screener(screener: Screener) -> None:
    if screener in _screeners:
        _screeners.remove(screener)


def screen(item: MediaItem) -> str | None:
    for screener in list(_screeners):
        reason = screener(item)
        if reason:
            return reason
    return None
