"""The limitation rules as seed_reference loads them (seeds/reference/limitation_rules.json), for the
tests of the disputes' limitation clock."""

import json

from clinic.models import LimitationRule
from seeds.reference import REFERENCE_DIR


def seed_limitation_rules() -> dict[str, LimitationRule]:
    """Create the seeded rules; return them by code (reinstatement, other_individual,
    conciliation_decision)."""
    rows = json.loads((REFERENCE_DIR / "limitation_rules.json").read_text(encoding="utf-8"))
    return {
        row["code"]: LimitationRule.objects.update_or_create(code=row.pop("code"), defaults=row)[0]
        for row in rows
    }
