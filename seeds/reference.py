"""Loads the reference data files of seeds/reference into the database, idempotently."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import transaction

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@dataclass(frozen=True)
class ReferenceFile:
    file: str
    model: str
    key: str  # the natural key: rows are matched on it, so a second load changes nothing
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (field, model, key field)


REFERENCE_FILES = (
    ReferenceFile("centers.json", "organizations.TerritorialCenter", "iso_code"),
    ReferenceFile(
        "offices.json",
        "organizations.RepresentativeOffice",
        "code",
        foreign_keys=(("center", "organizations.TerritorialCenter", "code"),),
    ),
    ReferenceFile("branch_unions.json", "organizations.BranchUnion", "code"),
    ReferenceFile("services.json", "clinic.Service", "code"),
    ReferenceFile("channels.json", "clinic.Channel", "code"),
    ReferenceFile("kinds.json", "clinic.ApplicationKind", "code"),
    ReferenceFile("outcomes.json", "clinic.Outcome", "code"),
    ReferenceFile("topics.json", "clinic.Topic", "code"),
    ReferenceFile("limitation_rules.json", "clinic.LimitationRule", "code"),
)


def _rows(reference: ReferenceFile) -> list[dict]:
    with (REFERENCE_DIR / reference.file).open(encoding="utf-8") as fh:
        rows = json.load(fh)
    for field, model_label, key in reference.foreign_keys:
        model = apps.get_model(model_label)
        ids = dict(model.objects.values_list(key, "pk"))
        for row in rows:
            row[f"{field}_id"] = ids[row.pop(field)]
    return rows


@transaction.atomic
def reference_load() -> dict[str, int]:
    """Create or update every reference row from its file; return the row count per model."""
    counts = {}
    for reference in REFERENCE_FILES:
        model = apps.get_model(reference.model)
        rows = _rows(reference)
        for row in rows:
            model.objects.update_or_create(**{reference.key: row.pop(reference.key)}, defaults=row)
        counts[reference.model] = len(rows)
    return counts
