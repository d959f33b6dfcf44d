"""Filters of the clinic's lists (django-filter). They narrow a queryset that already went
through visible_to, so an id of another center's record simply matches nothing."""

from datetime import datetime, time, timedelta

from django import forms
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from organizations.api.filters import IdFilter
from organizations.identifiers import normalize_identifier
from organizations.models import TerritorialCenter

from .models import (
    Application,
    ApplicationKind,
    Channel,
    Event,
    LaborDispute,
    Outcome,
    OutgoingMessage,
    Person,
    PreventedDispute,
    Service,
    Status,
    Topic,
    Visit,
)
from .names import name_key
from .personal_data import searches_by_personal_data
from .querysets import ApplicationQuerySet, LaborDisputeQuerySet
from .validators import normalize_phone


def _reference(model: type[Model], field_name: str, label: str | Promise) -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(
        field_name=field_name, queryset=model._default_manager.all(), label=label
    )


def _center() -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(queryset=TerritorialCenter.objects.all(), label=_("territorial center"))


def _iin(value: str) -> str:
    candidate = normalize_identifier(value)
    return candidate if len(candidate) == 12 and candidate.isascii() and candidate.isdigit() else ""


class NamedFiltersFilterSet(filters.FilterSet):
    """A filter set that can be built with only the filters a request names (`named_only`).

    django-filter deep-copies every filter and builds, copies and cleans a form field for each on
    every request, about a millisecond for the cases' 17 filters. A filter the query string does not
    name cleans to an empty value, and an empty value filters nothing, so leaving it out changes no
    answer. Unbound filter sets (the schema) and the browsable API's form still get every filter."""

    base_filters: dict[str, filters.Filter]  # set on each class by django-filter's metaclass

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, named_only: bool = False):
        if named_only and data is not None and prefix is None:
            # A widget reads its own name or a suffixed one (`name_min`): keep every filter a key starts with.
            self.base_filters = {
                name: filter_
                for name, filter_ in type(self).base_filters.items()
                if any(key.startswith(name) for key in data)
            }
        super().__init__(data, queryset, request=request, prefix=prefix)


class NamedFiltersBackend(filters.DjangoFilterBackend):
    """DjangoFilterBackend filtering with only the filters the request names (NamedFiltersFilterSet)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not issubclass(filterset_class, NamedFiltersFilterSet):
            return super().filter_queryset(request, queryset, view)
        filterset = filterset_class(**self.get_filterset_kwargs(request, queryset, view), named_only=True)
        if not filterset.is_valid() and self.raise_exception:
            raise translate_validation(filterset.errors)
        return filterset.qs


class ApplicationFilter(NamedFiltersFilterSet):
    q = filters.CharFilter(
        method="search",
        label=_(
            "number, applicant's name in any spelling, start of the IIN or phone, employer's name or BIN"
        ),
        max_length=100,
    )
    # distinct=False: django-filter's default (True) makes every list a SELECT DISTINCT over all the
    # columns, sorted before the page is cut; a filter on the row's own column cannot repeat a row.
    status = filters.MultipleChoiceFilter(choices=Status.choices, distinct=False)
    service = _reference(Service, "service", _("service"))
    kind = _reference(ApplicationKind, "kind", _("kind"))
    topic = _reference(Topic, "topic", _("topic"))
    channel = _reference(Channel, "channel", _("channel"))
    outcome = _reference(Outcome, "outcome", _("outcome"))
    center = _center()
    office = IdFilter(field_name="office", label=_("representative office"))
    lawyer = IdFilter(field_name="lawyer", label=_("lawyer"))
    employer = IdFilter(field_name="employer", label=_("employer"))
    person = IdFilter(field_name="person", label=_("person"))
    received_after = filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label=_("received on or after")
    )
    received_before = filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label=_("received on or before")
    )
    decided_after = filters.DateFilter(
        field_name="decided_on", lookup_expr="gte", label=_("decided on or after")
    )
    decided_before = filters.DateFilter(
        field_name="decided_on", lookup_expr="lte", label=_("decided on or before")
    )
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("open after the due date"))
    ordering = filters.OrderingFilter(fields=("received_on", "due_on", "registration_number"))

    class Meta:
        model = Application
        fields: list[str] = []

    def search(self, queryset: ApplicationQuerySet, name: str, value: str) -> ApplicationQuerySet:
        user = getattr(self.request, "user", None)
        if user is None:
            return queryset.search(value)
        return queryset.search(value, personal_data=searches_by_personal_data(user), user=user)

    def filter_overdue(
        self, queryset: ApplicationQuerySet, name: str, value: bool | None
    ) -> ApplicationQuerySet:
        if value is None:
            return queryset
        return queryset.overdue() if value else queryset.not_overdue()


class PersonFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label=_("name, exact IIN or exact phone"), max_length=100)
    center = _center()
    employer = IdFilter(field_name="employer", label=_("employer"))
    is_union_member = filters.BooleanFilter()
    ordering = filters.OrderingFilter(fields=("full_name", "created_at"))

    class Meta:
        model = Person
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        # The name in any spelling (clinic.names): "Нұрлан", "нурлан" and "Nurlan" find the same person.
        key = name_key(value)
        condition = Q(name_key__contains=key) if key else Q(pk__in=[])
        if not searches_by_personal_data(getattr(self.request, "user", None)):
            return queryset.filter(condition)  # a match by IIN or phone would tell whose number it is
        if iin := _iin(value):
            condition |= Q(iin=iin)
        if (phone := normalize_phone(value)).startswith("+7"):
            condition |= Q(phone=phone)
        return queryset.filter(condition)


class VisitFilter(filters.FilterSet):
    center = _center()
    office = IdFilter(field_name="office", label=_("representative office"))
    person = IdFilter(field_name="person", label=_("person"))
    channel = _reference(Channel, "channel", _("channel"))
    topic = _reference(Topic, "topics", _("topic"))
    result = filters.ChoiceFilter(choices=Visit.Result.choices)
    sent_online = filters.BooleanFilter(
        field_name="online_submission",
        lookup_expr="isnull",
        exclude=True,
        label=_("sent through the online reception"),
    )
    visited_after = filters.DateFilter(
        field_name="visited_at", lookup_expr="date__gte", label=_("visited on or after")
    )
    visited_before = filters.DateFilter(
        field_name="visited_at", lookup_expr="date__lte", label=_("visited on or before")
    )
    ordering = filters.OrderingFilter(fields=("visited_at",))

    class Meta:
        model = Visit
        fields: list[str] = []


@extend_schema_field(OpenApiTypes.INT)
class DaysFilter(filters.NumberFilter):
    """A number of days (an integer, not the decimal NumberFilter takes)."""

    field_class = forms.IntegerField


class LaborDisputeFilter(filters.FilterSet):
    center = _center()
    kind = filters.ChoiceFilter(choices=LaborDispute.Kind.choices)
    stage = filters.ChoiceFilter(choices=LaborDispute.Stage.choices)
    result = filters.ChoiceFilter(choices=LaborDispute.Result.choices)
    employer = IdFilter(field_name="employer", label=_("employer"))
    lawyer = IdFilter(field_name="lawyer", label=_("lawyer"))
    resolved = filters.BooleanFilter(method="filter_resolved", label=_("resolved"))
    opened_after = filters.DateFilter(
        field_name="opened_on", lookup_expr="gte", label=_("opened on or after")
    )
    opened_before = filters.DateFilter(
        field_name="opened_on", lookup_expr="lte", label=_("opened on or before")
    )
    due_within = DaysFilter(
        method="filter_due_within",
        min_value=0,
        max_value=366,
        label=_("next deadline within days"),
        help_text=_(
            "Unresolved disputes whose next deadline (the last day to file, or the commission's decision) "
            "falls from today to this many days ahead."
        ),
    )
    overdue = filters.BooleanFilter(
        method="filter_overdue",
        label=_("next deadline passed"),
        help_text=_("true: the next deadline has passed; false: it has not, or there is none."),
    )
    ordering = filters.OrderingFilter(fields=("opened_on", "resolved_on", "next_deadline_on"))

    class Meta:
        model = LaborDispute
        fields: list[str] = []

    def filter_due_within(
        self, queryset: LaborDisputeQuerySet, name: str, value: int | None
    ) -> LaborDisputeQuerySet:
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.deadline_between(today, today + timedelta(days=value))

    def filter_overdue(
        self, queryset: LaborDisputeQuerySet, name: str, value: bool | None
    ) -> LaborDisputeQuerySet:
        if value is None:
            return queryset
        today = timezone.localdate()
        if value:
            return queryset.deadline_passed(today)
        return queryset.filter(Q(next_deadline_on__gte=today) | Q(next_deadline_on__isnull=True))

    def filter_resolved(
        self, queryset: LaborDisputeQuerySet, name: str, value: bool | None
    ) -> LaborDisputeQuerySet:
        if value is None:
            return queryset
        return queryset.resolved() if value else queryset.filter(result="")


class PreventedDisputeFilter(filters.FilterSet):
    center = _center()
    employer = IdFilter(field_name="employer", label=_("employer"))
    prevented_after = filters.DateFilter(
        field_name="prevented_on", lookup_expr="gte", label=_("prevented on or after")
    )
    prevented_before = filters.DateFilter(
        field_name="prevented_on", lookup_expr="lte", label=_("prevented on or before")
    )
    ordering = filters.OrderingFilter(fields=("prevented_on",))

    class Meta:
        model = PreventedDispute
        fields: list[str] = []


def _day_start(day) -> datetime:
    """Midnight of a day in the site's time zone: the calendar's days (the index on starts_at serves)."""
    return timezone.make_aware(datetime.combine(day, time.min))


class EventFilter(filters.FilterSet):
    starts_from = filters.DateFilter(method="filter_starts_from", label=_("on or after (a day)"))
    starts_until = filters.DateFilter(method="filter_starts_until", label=_("on or before (a day)"))
    lawyer = IdFilter(field_name="lawyer", label=_("lawyer"))
    application = IdFilter(field_name="application", label=_("application"))
    dispute = IdFilter(field_name="dispute", label=_("labor dispute"))
    kind = filters.ChoiceFilter(choices=Event.Kind.choices)

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_starts_from(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(starts_at__gte=_day_start(value)) if value else queryset

    def filter_starts_until(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(starts_at__lt=_day_start(value + timedelta(days=1))) if value else queryset


class OutgoingMessageFilter(filters.FilterSet):
    case = IdFilter(field_name="application", label=_("case"))
    person = IdFilter(field_name="person", label=_("person"))
    status = filters.ChoiceFilter(choices=OutgoingMessage.State.choices)
    channel = filters.ChoiceFilter(choices=OutgoingMessage.Channel.choices)
    purpose = filters.ChoiceFilter(choices=OutgoingMessage.Purpose.choices)

    class Meta:
        model = OutgoingMessage
        fields: list[str] = []
