from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "fansub.posts"
    label = "posts"
    verbose_name = "Posts"

    def ready(self) -> None:
        from fansub.media.services import access
        from fansub.posts import media_uses, page_stamp_receivers, personal_data  # noqa: F401

        page_stamp_receivers.connect()
        access.register_final_checker(media_uses.post_grants)
        access.register_visibility_checker(media_uses.post_shows)
