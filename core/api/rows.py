"""Lists shown from `.values()` rows: the output of a CompiledReadSerializer (core.api.common) built
from the dictionaries a `.values()` query returns, without making a model instance for each row and
its related rows (half of the Python time of a list of 50 cases with their applicant, employer and
lawyer).

`row_columns(cls)` names the columns to ask `.values()` for; `represent_rows(cls, rows, request)`
gives the same output as the serializer's own (tests/clinic/api/test_compiled_output.py compares
them for every role). Plain fields, primary-key related fields and nested CompiledReadSerializers
are read from their columns; a field computed by the model (a property, a method) is declared on
the serializer in `row_fields` with the columns it needs and a function of them.
"""

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from rest_framework import serializers

from .common import CompiledReadSerializer

# (output name, kind, key or sub-plan, convert)
Plan = tuple[tuple[str, str, Any, Callable[..., Any] | None], ...]


class RowInstance:
    """A level of a `.values()` row read as the instance it stands for: what `finish` reads of it
    (`instance.center_id`, the masking's rule)."""

    __slots__ = ("keys", "row")

    def __init__(self, row: dict[str, Any], keys: dict[str, str]) -> None:
        self.row, self.keys = row, keys

    def __getattr__(self, name: str) -> Any:
        try:
            return self.row[self.keys[name]]
        except KeyError:
            raise AttributeError(name) from None


@cache
def _plan(serializer_class: type[CompiledReadSerializer], prefix: str) -> tuple[Plan, dict[str, str]]:
    """The row plan of one level, and the {attribute: row key} of the columns it reads."""
    model: type[models.Model] = serializer_class.Meta.model
    computed: dict[str, tuple[tuple[str, ...], Callable[..., Any]]] = getattr(
        serializer_class, "row_fields", {}
    )
    keys: dict[str, str] = {}
    plan: list[tuple[str, str, Any, Callable[..., Any] | None]] = []

    def column(name: str) -> str:
        field = model._meta.get_field(name)
        key = prefix + field.name
        keys[field.name] = key
        keys[getattr(field, "attname", field.name)] = key
        return key

    for name, field in serializer_class().fields.items():
        if field.write_only:
            continue
        if name in computed:
            needed, function = computed[name]
            plan.append((name, "computed", tuple(column(each) for each in needed), function))
        elif isinstance(field, CompiledReadSerializer):
            sub_prefix = f"{prefix}{field.source}__"
            plan.append((name, "nested", (type(field), sub_prefix, f"{sub_prefix}id"), None))
        elif isinstance(field, serializers.PrimaryKeyRelatedField) and len(field.source_attrs) == 1:
            plan.append((name, "value", column(field.source_attrs[0]), None))
        elif len(field.source_attrs) == 1 and isinstance(
            getattr(model, field.source_attrs[0], None), DeferredAttribute
        ):
            convert = None if type(field) is serializers.CharField else field.to_representation
            plan.append((name, "value", column(field.source_attrs[0]), convert))
        else:
            raise ImproperlyConfigured(
                f"{serializer_class.__name__}.{name} is not a column: declare it in row_fields"
            )
    for extra in serializer_class.columns:  # what `finish` reads besides the fields
        column(extra)
    return tuple(plan), keys


@cache
def row_columns(serializer_class: type[CompiledReadSerializer], prefix: str = "") -> tuple[str, ...]:
    """The `.values()` lookups the serializer's rows need."""
    plan, keys = _plan(serializer_class, prefix)
    columns = dict.fromkeys(keys.values())
    for _name, kind, key, _convert in plan:
        if kind == "nested":
            nested_class, sub_prefix, _presence = key
            columns |= dict.fromkeys(row_columns(nested_class, sub_prefix))
    return tuple(columns)


def represent_row(
    serializer_class: type[CompiledReadSerializer], row: dict[str, Any], request, prefix: str = ""
) -> dict[str, Any]:
    plan, keys = _plan(serializer_class, prefix)
    data: dict[str | None, Any] = {}
    for name, kind, key, convert in plan:
        if kind == "value":
            value = row[key]
            data[name] = value if value is None or convert is None else convert(value)
        elif kind == "nested":
            nested_class, sub_prefix, presence = key
            data[name] = (
                None if row[presence] is None else represent_row(nested_class, row, request, sub_prefix)
            )
        else:
            assert convert is not None  # a computed field has its function
            data[name] = convert(*(row[each] for each in key))
    return serializer_class.finish(data, RowInstance(row, keys), request)


def represent_rows(
    serializer_class: type[CompiledReadSerializer], rows: Iterable[dict[str, Any]], request
) -> list[dict[str, Any]]:
    return [represent_row(serializer_class, row, request) for row in rows]
