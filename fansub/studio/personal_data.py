"""How the studio's personal data is exported and erased (see governance.registry)."""

from fansub.studio.models import StudioSettings
from governance import registry

registry.register(StudioSettings, user_path="creator", fields=("watermark_style", "updated_at"), erasure="delete")
