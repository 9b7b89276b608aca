"""Bumping the fan pages' version stamps (``PageStamp``), in the caller's transaction.

Counters only grow, and a bump commits or rolls back with the change it marks, so a page cached under the
old counters (``fansub.posts.page_cache``) is never served after the change is visible. Which saved or
deleted rows bump what is wired in ``fansub.posts.page_stamp_receivers``; code that writes with
``QuerySet.update`` or ``bulk_create`` (no signals) calls ``touch_viewers`` / ``touch_creators`` itself.
"""

from collections.abc import Iterable

from django.db import connection

from fansub.accounts.models import PageStamp

_TABLE = PageStamp._meta.db_table


# Fixed text: the table and column names come from the model, never from input.
_BUMP_SQL = {
    column: f"INSERT INTO {_TABLE} (user_id, viewer_version, content_version) VALUES (%s, {first}, {second}) "  # noqa: S608
            f"ON CONFLICT (user_id) DO UPDATE SET {column} = {_TABLE}.{column} + 1"
    for column, first, second in (("viewer_version", 1, 0), ("content_version", 0, 1))
}


def _bump(column: str, user_ids: Iterable[int | None]) -> None:
    ids = sorted({int(i) for i in user_ids if i})  # one order for every writer: no deadlock between bumps
    if ids:
        with connection.cursor() as cursor:
            cursor.executemany(_BUMP_SQL[column], [(i,) for i in ids])


def touch_viewers(user_ids: Iterable[int | None]) -> None:
    """Something these users see as viewers changed (their follows, entitlements, settings, badge)."""
    _bump("viewer_version", user_ids)


def touch_creators(user_ids: Iterable[int | None]) -> None:
    """Something the pages show of these creators changed (posts, media, tiers, profile, counts)."""
    _bump("content_version", user_ids)
