from django.apps import AppConfig


class TelemetryConfig(AppConfig):
    name = "telemetry"
    verbose_name = "Telemetry (events to the lake)"

    def ready(self) -> None:
        from django.core import checks

        from governance import registry
        from telemetry.checks import check_sink_settings
        from telemetry.models import DeadLetterEvent, MetricCounter, OutboxEvent

        reason = "Payloads are schema-checked to hold pseudonymous ids only; no personal fields."
        registry.declare_not_personal(OutboxEvent, reason)
        registry.declare_not_personal(DeadLetterEvent, reason)
        registry.declare_not_personal(MetricCounter, "Operational counter names, no personal data.")
        checks.register(check_sink_settings)
