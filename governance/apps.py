from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance (audit, personal data)"

    def ready(self) -> None:
        from governance import personal_data  # noqa: F401  (registers this app's own models)
