"""Conflict-safe writes shared by every app: a versioned row is locked, its version compared with
the one the caller read (ETag / If-Match), and bumped on save."""

from collections.abc import Collection, Iterable, Mapping
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

Model = TypeVar("Model", bound=models.Model)


class VersionConflict(Exception):
    """The record changed since the version the caller based its change on."""

    def __init__(self, current_version: int):
        super().__init__(_("The record was changed by someone else (now version %d).") % current_version)
        self.current_version = current_version


def locked(instance: Model, expected_version: int | None = None) -> Model:
    """A fresh copy of the row, locked until the transaction ends; refuses a stale version."""
    fresh = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    # Only versioned records (those with a `version` field) are given an expected version.
    if expected_version is not None and fresh.version != expected_version:  # type: ignore[attr-defined]
        raise VersionConflict(fresh.version)  # type: ignore[attr-defined]
    return fresh


def save_changes(instance: Model, fields: Iterable[str]) -> Model:
    """Validate and save the named fields, bumping the version of versioned records."""
    fields = list(fields)
    if hasattr(instance, "version"):
        instance.version += 1
        fields += ["version", "updated_at"]
    instance.full_clean()
    instance.save(update_fields=fields)
    return instance


def assign_changes(instance: Model, changes: Mapping[str, Any], *, editable: Collection[str]) -> Model:
    """Set the changed fields on the (locked) instance, to be checked and then saved by save_changes.
    A field outside `editable` is a caller's mistake, not the user's: forms and serializers offer only
    the editable ones."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(instance, field, value)
    return instance
