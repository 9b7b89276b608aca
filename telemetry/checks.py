"""System check: a misconfigured lake sink is reported by `manage.py check`, not at the first publish."""

from typing import Any

from django.core.checks import Error

from telemetry.sinks import configuration_problem


def check_sink_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:

    problem = configuration_problem()
    return [Error(problem, id="telemetry.E001")] if problem else []
