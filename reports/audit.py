"""The audit trail of the centers' yearly statistical returns (who filled, submitted, accepted or
returned one, with the figures before and after)."""

from core.audit import audit_model

from .statistics.models import StatisticalReturn

audit_model(StatisticalReturn, exclude_fields=["updated_at", "version"])
