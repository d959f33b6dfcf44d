"""What every API view shares: error translation, conflict-safe updates (ETag / If-Match), output
planned once per serializer class, pagination and the read-only rule for federation analysts.

One place for each: settings.REST_FRAMEWORK points at the exception handler and the paginator, the
view sets mix in ConditionalMixin, the list and detail serializers derive from CompiledReadSerializer.
"""

import base64
import datetime
import inspect
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from operator import attrgetter, methodcaller
from typing import TYPE_CHECKING, Any, Protocol, cast

from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Page, Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor
from django.db.models.lookups import GreaterThan, LessThan
from django.db.models.query_utils import DeferredAttribute
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.defaults import page_not_found
from rest_framework import exceptions, pagination, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from core.versioning import VersionConflict

logger = logging.getLogger(__name__)


# Errors


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        "This change needs an If-Match header with the record's ETag: read the record, "
        "then send its ETag back, so that nobody else's change is overwritten."
    )
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _('If-Match must carry the ETag of the record, e.g. "3".')
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The record conflicts with one saved at the same time; reload it and try again.")
    default_code = "conflict"


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, taught the exceptions the services raise: django's ValidationError is a 400
    with a message per field, VersionConflict a 412, a constraint hit by a race a 409."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_field_errors(exc))
    elif isinstance(exc, VersionConflict):
        current = getattr(exc, "current_version", None)
        # An APIException always gets an answer.
        response = cast(
            Response, drf_exception_handler(PreconditionFailed(str(exc), code="version_conflict"), context)
        )
        if current is not None:
            response.data["current_version"] = current
            response["ETag"] = etag(current)
        return response
    elif isinstance(exc, IntegrityError) and _is_unique_violation(exc):
        # The services check uniqueness first; a violation here is two requests racing.
        logger.warning("Unique violation answered with 409: %s", exc)
        exc = Conflict()
    return drf_exception_handler(exc, context)


def _is_unique_violation(error: IntegrityError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == "23505" or "UNIQUE constraint" in str(error)


def _field_errors(error: DjangoValidationError) -> dict[str, list]:
    detail = serializers.as_serializer_error(error)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return detail


def not_found(request, exception=None) -> HttpResponse:
    """settings handler404: a URL under /api/ that matches no route gets a JSON 404 like the API's."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
    return page_not_found(request, exception)


# Conflict-safe updates

_ENTITY_TAG = re.compile(r'^\s*"?(\d{1,10})"?\s*$')


def etag(version: int) -> str:
    return f'"{version}"'


class Versioned(Protocol):
    """A record with a `version` column (core.versioning)."""

    @property
    def version(self) -> int: ...


if TYPE_CHECKING:
    # Not at run time: rest_framework.viewsets reads the paginator class of this module.
    from rest_framework.viewsets import GenericViewSet

    _ViewSet = GenericViewSet  # what ConditionalMixin is mixed into
else:
    _ViewSet = object


class ConditionalMixin(_ViewSet):
    """Versioned records: reads answer with `ETag: "<version>"`; the actions named in
    `conditional_actions` require `If-Match` with that ETag (428 without it, 412 when stale).

    The schema (core.api.schema) documents the header and the 412/428 answers of the same actions.
    """

    conditional_actions: frozenset[str] = frozenset()

    def retrieve(self, request, *args, **kwargs) -> Response:
        return self.respond(self.get_object())

    def respond(self, instance: Versioned, status_code: int = status.HTTP_200_OK) -> Response:
        """The record as the view's serializer shows it, with its ETag."""
        data = self.get_serializer(instance).data
        return Response(data, status=status_code, headers={"ETag": etag(instance.version)})

    def if_match(self, instance: Versioned) -> int:
        """The version the client based its change on; refuses a missing or stale If-Match."""
        if self.action not in self.conditional_actions:
            raise AssertionError(f"{type(self).__name__}.{self.action} is not in conditional_actions")
        header = self.request.headers.get("If-Match", "").strip()
        if not header or header == "*":
            raise PreconditionRequired()
        match = _ENTITY_TAG.match(header)
        if match is None:
            raise PreconditionFailed()
        version = int(match.group(1))
        if version != instance.version:
            raise VersionConflict(instance.version)
        return version


# Read-only output, worked out once per class


class CompiledReadSerializer(serializers.ModelSerializer):
    """A read-only ModelSerializer whose output is planned once per class. DRF's to_representation
    builds every field anew for each request and asks each field, for each row, how to read its
    value: a third of a list request's time. The plan (read_plan) reads the same attributes and
    converts them with the same fields' to_representation, so the output and the schema stay DRF's
    (tests/clinic/api/test_compiled_output.py compares the two for every role).

    Takes plain fields, primary-key related fields and nested CompiledReadSerializers; a field that
    needs the request (method fields, hyperlinks, files) is refused when the plan is made. `finish`
    may change the planned output (the clinic masks personal data there)."""

    # The columns `represent` reads, when a nested summary reads fewer than its model has (a method
    # or the masking may read columns that are not fields): the rest need not be loaded.
    columns: tuple[str, ...] = ()

    def to_representation(self, instance) -> dict:
        return self.represent(instance, self.context.get("request"))

    @classmethod
    def unread_related_columns(cls) -> list[str]:
        """`relation__column` for the columns of the nested summaries' rows that they do not show, for
        `QuerySet.defer()`: a list loads 50 applicants, employers and lawyers with every column otherwise."""
        unread = []
        for field in cls().fields.values():
            if isinstance(field, CompiledReadSerializer) and field.columns:
                model: type[models.Model] = field.Meta.model
                unread += [
                    f"{field.source}__{column.name}"
                    for column in model._meta.concrete_fields
                    if not column.primary_key and column.name not in field.columns
                ]
        return unread

    @classmethod
    def represent(cls, instance, request) -> dict:
        data: dict[str | None, Any] = {}
        for name, read, convert, nested in read_plan(cls):
            value = read(instance)
            if value is None:
                data[name] = None
            elif nested:
                data[name] = convert(value, request)
            else:
                data[name] = convert(value)
        return cls.finish(data, instance, request)

    @classmethod
    def finish(cls, data: dict, instance, request) -> dict:
        """The output once read, to be changed by a subclass that needs the request."""
        return data


_CONTEXT_BOUND = (
    serializers.SerializerMethodField,
    serializers.HyperlinkedRelatedField,
    serializers.FileField,
    serializers.ManyRelatedField,
    serializers.HiddenField,
)


@cache
def read_plan(serializer_class: type[CompiledReadSerializer]) -> tuple:
    """(name, read, convert, nested) for each field the serializer shows, in its order."""
    prototype = serializer_class()  # fields without a request: only the context-free kinds are planned
    model: type[models.Model] = serializer_class.Meta.model
    plan: list[tuple[str | None, Callable[..., Any], Callable[..., Any], bool]] = []
    for field in prototype._readable_fields:
        name, attrs = field.field_name, field.source_attrs
        if isinstance(field, CompiledReadSerializer):
            plan.append((name, _reader(model, field), type(field).represent, True))
        elif (
            isinstance(field, serializers.PrimaryKeyRelatedField)
            and field.pk_field is None
            and len(attrs) == 1
        ):
            # What DRF's pk-only optimization reads: the foreign key's column, not the related row.
            column = cast(models.ForeignKey, model._meta.get_field(attrs[0]))
            plan.append((name, attrgetter(column.attname), _same, False))
        elif isinstance(field, (serializers.BaseSerializer, serializers.RelatedField, *_CONTEXT_BOUND)) or (
            field.source == "*"
        ):
            raise ImproperlyConfigured(
                f"{serializer_class.__name__}.{name}: {type(field).__name__} cannot be planned; "
                "use a plain ModelSerializer for this output"
            )
        else:
            convert = str if type(field) is serializers.CharField else field.to_representation
            plan.append((name, _reader(model, field), convert, False))
    return tuple(plan)


def _same(value):
    return value


def _reader(model, field) -> Callable:
    """Reads the field's source from an instance as DRF does: a method is called, a property read."""
    attrs = field.source_attrs
    if len(attrs) == 1:
        attribute = getattr(model, attrs[0], None)
        if inspect.isfunction(attribute):
            return methodcaller(attrs[0])
        if isinstance(attribute, (property, DeferredAttribute, ForwardManyToOneDescriptor)):
            return attrgetter(attrs[0])
    return field.get_attribute  # anything else (a dotted source, a reverse relation): DRF's own walk


# Access and paging


class StaffPermission(permissions.IsAuthenticated):
    """Signed-in staff may read what visible_to shows them; read-only roles change nothing.
    The finer rules (who may decide which case) are each app's rules, checked by the services."""

    message = _("Your role gives read-only access.")

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in permissions.SAFE_METHODS or not request.user.is_read_only


COUNT_LIMIT = 10_000


class BoundedCountPaginator(Paginator):
    """Django's paginator, counting at most COUNT_LIMIT rows: a list filtered to half a million cases
    would otherwise be counted in full on every page. `capped` tells whether there were more."""

    capped = False

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, models.QuerySet):
            return super().count
        counted = self.object_list.order_by().values("pk")[: COUNT_LIMIT + 1].count()
        self.capped = counted > COUNT_LIMIT
        return min(counted, COUNT_LIMIT)


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (at most 100; the default is settings PAGE_SIZE) for the first pages,
    `?cursor=` (from a `next` or `previous` link) for any row after them. `count` is exact up to
    COUNT_LIMIT; past it, it is COUNT_LIMIT and `count_capped` is true. The order is made total (the
    id last), and `next` goes on past the counted pages with a cursor: every row is reached, and a
    cursor's page costs what the first page costs (Keyset)."""

    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = BoundedCountPaginator
    cursor_query_param = "cursor"
    cursor_query_description = _(
        "The page after (or before) a row, from a `next` or `previous` link; leave out `page` with it."
    )
    keyset: "Keyset | None" = None
    keyset_page: "KeysetPage | None" = None

    def paginate_queryset(self, queryset, request, view=None) -> list | None:
        self.request = request
        page_size = self.get_page_size(request)
        if page_size is None or not isinstance(queryset, models.QuerySet):
            return super().paginate_queryset(queryset, request, view)
        self.keyset = Keyset(queryset)
        queryset = self.keyset.queryset
        token = request.query_params.get(self.cursor_query_param)
        if not token:
            return super().paginate_queryset(queryset, request, view)
        self.keyset_page = self.keyset.page(token, page_size)
        self.page = self.django_paginator_class(queryset, page_size).page(1)  # the bounded count
        return self.keyset_page.rows

    def _cursor_link(self, token: str | None) -> str | None:
        if token is None:
            return None
        request = cast(Request, self.request)  # set by paginate_queryset
        url = remove_query_param(request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, token)

    def get_next_link(self) -> str | None:
        if self.keyset_page is not None:
            return self._cursor_link(self.keyset_page.next_cursor)
        page = cast(Page, self.page)
        if page.has_next() or self.keyset is None:
            return super().get_next_link()
        if cast(BoundedCountPaginator, page.paginator).capped and page.object_list:
            # Past the counted rows: on from the page's last row.
            return self._cursor_link(self.keyset.cursor(list(page.object_list)[-1]))
        return None

    def get_previous_link(self) -> str | None:
        if self.keyset_page is not None:
            return self._cursor_link(self.keyset_page.previous_cursor)
        return super().get_previous_link()

    def get_paginated_response(self, data) -> Response:
        page = cast(Page, self.page)  # set by paginate_queryset, which the view calls first
        paginator = cast(BoundedCountPaginator, page.paginator)
        return Response(
            {
                "count": paginator.count,
                "count_capped": paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        schema = super().get_paginated_response_schema(schema)
        schema["properties"] = {
            "count": schema["properties"]["count"],
            "count_capped": {"type": "boolean", "example": False},
            **{name: value for name, value in schema["properties"].items() if name != "count"},
        }
        schema["required"] = [*schema.get("required", []), "count_capped"]
        return schema

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(self.cursor_query_description),
                "schema": {"type": "string"},
            },
        ]


# Keyset (cursor) paging: any row reachable, a deep page as cheap as the first


def total_ordering(queryset: models.QuerySet) -> list[str]:
    """The queryset's order (or its model's) ending in the primary key, so that no two rows tie and a
    page can resume after a row's values. Only field names (the lists' ordering filters give those)."""
    terms = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    if not all(isinstance(term, str) and term not in ("?", "") for term in terms):
        raise ImproperlyConfigured(f"{queryset.model.__name__}: keyset paging needs an order of field names")
    ordering = cast(list[str], terms)
    names = [term.lstrip("-") for term in ordering]
    if "pk" not in names and queryset.model._meta.pk.name not in names:
        ordering.append("-pk" if ordering and ordering[-1].startswith("-") else "pk")
    return ordering


def _order_field(model: type[models.Model], path: str) -> models.Field:
    field: Any = None
    for part in path.split("__"):
        field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    return field


def _row_value(row: models.Model | dict, path: str) -> Any:
    if isinstance(row, dict):  # a `.values()` row (core.api.rows), holding the order's columns
        return row["id" if path == "pk" and "pk" not in row else path]
    value: Any = row
    for part in path.split("__"):
        value = None if value is None else getattr(value, part)
    return value.pk if isinstance(value, models.Model) else value


class _Row(models.Func):
    """A row value, `(a, b, c)`, compared as a whole (PostgreSQL and SQLite alike)."""

    template = "(%(expressions)s)"
    output_field = models.Field()


class _ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder keeping a time's microseconds (it cuts them to milliseconds), so that a cursor
    resumes exactly after its row."""

    def default(self, o: Any) -> Any:
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class InvalidCursor(exceptions.ValidationError):
    default_detail = {"cursor": [_("This cursor is not valid for this list: start from its first page.")]}
    default_code = "invalid_cursor"


class Keyset:
    """A total order of a queryset (total_ordering) and the rows after or before a row in it. NULLs sort
    last going up and first going down on every database (PostgreSQL's way)."""

    def __init__(self, queryset: models.QuerySet):
        self.ordering = total_ordering(queryset)
        self.fields = [_order_field(queryset.model, term.lstrip("-")) for term in self.ordering]
        self.queryset = queryset.order_by(*self._order_by(reverse=False))

    def _descending(self, index: int, reverse: bool) -> bool:
        return self.ordering[index].startswith("-") != reverse

    def _order_by(self, reverse: bool) -> list:
        terms = []
        for index, term in enumerate(self.ordering):
            name = term.lstrip("-")
            if self._descending(index, reverse):
                terms.append(models.F(name).desc(nulls_first=True) if self.fields[index].null else f"-{name}")
            else:
                terms.append(models.F(name).asc(nulls_last=True) if self.fields[index].null else name)
        return terms

    def _after(self, index: int, value: Any, reverse: bool) -> models.Q:
        """Rows strictly after `value` in the order's index-th term."""
        name, descending = self.ordering[index].lstrip("-"), self._descending(index, reverse)
        if value is None:  # going up, nothing comes after NULL; going down, every value does
            return models.Q(**{f"{name}__isnull": False}) if descending else models.Q(pk__in=[])
        after = models.Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
        if self.fields[index].null and not descending:
            after |= models.Q(**{f"{name}__isnull": True})
        return after

    def _equal(self, index: int, value: Any) -> models.Q:
        name = self.ordering[index].lstrip("-")
        return models.Q(**{f"{name}__isnull": True} if value is None else {name: value})

    def rows_after(self, values: list, reverse: bool = False) -> models.QuerySet:
        """The rows after the row with `values` (before it, `reverse`), in the order (reversed)."""
        ordered = self.queryset.order_by(*self._order_by(reverse))
        directions = {self._descending(index, reverse) for index in range(len(self.ordering))}
        if len(directions) == 1 and None not in values and not any(field.null for field in self.fields):
            # (a, b, id) > (x, y, z): a range of an index in the order, read from its start to the limit.
            names = [term.lstrip("-") for term in self.ordering]
            row = _Row(*[models.F(name) for name in names])
            bound = _Row(*[models.Value(v, output_field=f) for v, f in zip(values, self.fields, strict=True)])
            return ordered.filter(LessThan(row, bound) if directions.pop() else GreaterThan(row, bound))
        condition = models.Q(pk__in=[])
        for index, value in enumerate(values):
            term = self._after(index, value, reverse)
            for earlier in range(index):
                term &= self._equal(earlier, values[earlier])
            condition |= term
        first, descending = values[0], self._descending(0, reverse)
        if first is not None and not self.fields[0].null:
            # A range on the first column, which an index in the list's order starts its scan from.
            condition &= models.Q(
                **{f"{self.ordering[0].lstrip('-')}__{'lte' if descending else 'gte'}": first}
            )
        return ordered.filter(condition)

    def cursor(self, row: models.Model | dict, before: bool = False) -> str:
        """An opaque token for the page after `row` (before it: `before`)."""
        return self._token([_row_value(row, term.lstrip("-")) for term in self.ordering], before)

    def _token(self, values: list, before: bool) -> str:
        payload = json.dumps({"o": self.ordering, "v": values, "b": before}, cls=_ExactEncoder)
        return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")

    def read(self, token: str) -> tuple[list, bool]:
        """The values and the direction a cursor holds; InvalidCursor for one of another order or forged."""
        try:
            payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            if payload["o"] != self.ordering or len(payload["v"]) != len(self.fields):
                raise InvalidCursor()
            values = [
                None if value is None else field.to_python(value)
                for field, value in zip(self.fields, payload["v"], strict=True)
            ]
            return values, bool(payload["b"])
        except (ValueError, TypeError, KeyError, AttributeError, DjangoValidationError) as error:
            raise InvalidCursor() from error

    def first(self, size: int) -> "KeysetPage":
        """The first `size` rows, and the cursor of the page after them."""
        rows = list(self.queryset[: size + 1])
        return KeysetPage(rows[:size], self.cursor(rows[size - 1]) if len(rows) > size else None, None)

    def page(self, token: str, size: int) -> "KeysetPage":
        """`size` rows after (or before) the cursor's row, and the cursors of the pages around them."""
        values, before = self.read(token)
        rows = list(self.rows_after(values, reverse=before)[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if before:
            rows.reverse()
        if not rows:  # nothing on this side of the cursor's row (it may be gone): the other side remains
            return KeysetPage(
                [],
                self._token(values, False) if before else None,
                None if before else self._token(values, True),
            )
        # The page the cursor came from is on the other side; this side goes on while there are more.
        if before:
            return KeysetPage(rows, self.cursor(rows[-1]), self.cursor(rows[0], True) if more else None)
        return KeysetPage(rows, self.cursor(rows[-1]) if more else None, self.cursor(rows[0], True))


@dataclass(frozen=True)
class KeysetPage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None
