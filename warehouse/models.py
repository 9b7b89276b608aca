from django.db import models


class QueryScan(models.Model):
    """Bytes one dashboard query scanned (DuckDB's profile locally, Athena's DataScannedInBytes in production)."""

    class Engine(models.TextChoices):
        DUCKDB = "duckdb", "DuckDB (local)"
        ATHENA = "athena", "Athena"

    ran_at = models.DateTimeField(db_index=True)
    engine = models.CharField(max_length=10, choices=Engine.choices)
    dashboard = models.CharField(max_length=40)
    query_name = models.CharField(max_length=80)
    bytes_scanned = models.BigIntegerField()
    files_scanned = models.IntegerField(null=True, blank=True)
    files_total = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-ran_at"]
        # The staff dashboards and the experiment report hang off this model's admin: who sees which.
        permissions = [
            ("view_executive_dashboard", "Can view the Executive dashboard"),
            ("view_operations_dashboard", "Can view the Operations dashboard"),
            ("view_growth_dashboard", "Can view the Growth dashboard and experiment results"),
            ("view_trust_dashboard", "Can view the Trust & Safety dashboard"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(bytes_scanned__gte=0), name="query_scan_bytes_not_negative"),
            models.CheckConstraint(condition=models.Q(engine__in=["duckdb", "athena"]), name="query_scan_engine_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.dashboard}/{self.query_name}: {self.bytes_scanned} bytes"
