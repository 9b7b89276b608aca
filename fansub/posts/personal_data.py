"""How posts' personal data is exported and erased (see governance.registry)."""

from fansub.posts.models import Post, PostComment, PostLike, PostRevision
from governance import registry

registry.register(Post, user_path="creator", fields=("text", "status", "published_at"), erasure="pseudonymize",
                  pseudonymized_values={"text": "", "status": "removed", "removed_reason": "account_erased"})
registry.register(PostRevision, user_path="post__creator", fields=("text", "edited_at"), erasure="delete")
registry.register(PostComment, user_path="author", fields=("post_id", "text", "created_at"), erasure="delete")
registry.register(PostLike, user_path="user", fields=("post_id", "created_at"), erasure="delete")
