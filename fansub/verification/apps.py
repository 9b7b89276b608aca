from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "fansub.verification"
    label = "verification"
    verbose_name = "Verification"

    def ready(self) -> None:
        from fansub.verification import personal_data  # noqa: F401
