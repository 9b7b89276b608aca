from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "fansub.demo"
    label = "demo"
    verbose_name = "Demo data"
