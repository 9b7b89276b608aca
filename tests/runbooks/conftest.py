# The schema-folder fixture of the dead-letter tests: the schema-break runbook ships a schema the same way.
from tests.telemetry.test_dead_letters import schemas  # noqa: F401
