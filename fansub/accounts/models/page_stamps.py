from django.db import models


class PageStamp(models.Model):
    """Version counters that key the fan pages' rendered-page cache (``fansub.posts.page_cache``), bumped
    through ``fansub.accounts.services.page_stamps``.

    ``viewer_version`` moves when anything about the user *as a viewer* changes (follows, subscriptions,
    unlocks, blocks, age checks, settings, notifications); ``content_version`` when anything a page shows
    *of the user as a creator* changes (posts, media, tiers, profile, likes and comments). They are bumped in
    the same transaction as the change, so a cached page can never outlive the data it was rendered from.
    """

    # A plain id, not a foreign key: a stamp is bumped from deletion signals too, while the user row may be
    # on its way out, and a counter left behind for a deleted id harms nobody (ids are never reused).
    user_id = models.BigIntegerField(primary_key=True)
    viewer_version = models.BigIntegerField(default=0)
    content_version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"page stamp of {self.user_id}"
