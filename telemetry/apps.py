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
        registry.declare_pseudonymous_column("payload", "An event's payload carries the pseudonymous ids of the "
                                             "persons it is about (fan_id, creator_id, subject_id, ...).")
        checks.register(check_sink_settings)
