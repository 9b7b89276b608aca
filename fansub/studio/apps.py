from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "fansub.studio"
    label = "studio"
    verbose_name = "Creator studio"
