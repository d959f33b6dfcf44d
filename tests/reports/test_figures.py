"""The figures of a report, computed by the database from cases built through the clinic's services."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic.models import ApplicationKind, Channel, Outcome, Service
from reports.periods import Period, PeriodKind
from reports.queries import report_figures
from tests.factories import CenterFactory, OfficeFactory, PersonFactory
from tests.module_rows import rows_for_the_module

from .conftest import case_make, dispute_make, employer_of, local_moment, prevented_make, visit_make

MARCH_2021 = Period(PeriodKind.MONTH, date(2021, 3, 1))


def _march_create():
    """A center's March 2021, with cases before and after it, and another center's case."""
    center, other_center = CenterFactory(), CenterFactory()
    make_case, make_visit, make_dispute, make_prevented = case_make, visit_make, dispute_make, prevented_make
    office = OfficeFactory(center=center)
    reception, prevention = Service.PUBLIC_RECEPTION, Service.PREVENTION_CENTER
    # received and decided in March
    make_case(
        center,
        received_on=date(2021, 3, 2),
        decided_on=date(2021, 3, 10),
        outcome_code=Outcome.SATISFIED,
        recovered_kzt=Decimal("100000.50"),
    )
    make_case(
        center,
        received_on=date(2021, 3, 3),
        decided_on=date(2021, 3, 20),
        outcome_code=Outcome.PARTIALLY_SATISFIED,
        topic_code="dismissal",
        recovered_kzt=Decimal("50000"),
    )
    make_case(
        center,
        received_on=date(2021, 3, 5),
        decided_on=date(2021, 3, 5),
        outcome_code=Outcome.EXPLAINED,
        service_code=reception,
        kind_code=ApplicationKind.ORAL_CONSULTATION,
        channel_code=Channel.PHONE,
    )
    make_case(  # an office's case counts toward its center
        center,
        received_on=date(2021, 3, 4),
        decided_on=date(2021, 3, 12),
        outcome_code=Outcome.REFERRED,
        office=office,
    )
    make_case(
        center,
        received_on=date(2021, 3, 9),
        decided_on=date(2021, 3, 11),
        outcome_code=Outcome.WITHDRAWN,
        service_code=reception,
    )
    # received in February, decided in March
    make_case(
        center,
        received_on=date(2021, 2, 10),
        decided_on=date(2021, 3, 15),
        outcome_code=Outcome.REJECTED,
        service_code=prevention,
    )
    # open at the end of March: received in March (due in April), received in February (overdue),
    # received in March and decided only in April
    make_case(center, received_on=date(2021, 3, 25))
    make_case(center, received_on=date(2021, 2, 1))
    make_case(
        center, received_on=date(2021, 3, 29), decided_on=date(2021, 4, 5), outcome_code=Outcome.SATISFIED
    )
    # outside March: decided in February (a positive result of February), received in April
    make_case(
        center, received_on=date(2021, 1, 15), decided_on=date(2021, 2, 5), outcome_code=Outcome.SATISFIED
    )
    make_case(center, received_on=date(2021, 4, 2))
    # a year before
    make_case(
        center, received_on=date(2020, 3, 10), decided_on=date(2020, 3, 20), outcome_code=Outcome.SATISFIED
    )
    # another center
    make_case(
        other_center,
        received_on=date(2021, 3, 5),
        decided_on=date(2021, 3, 6),
        outcome_code=Outcome.SATISFIED,
    )

    # visits: two persons in March (one twice, once late on the 31st local time), one only on April 1st
    # just after midnight local time (still March 31st in UTC), one in February
    regular, once, april, february = (PersonFactory(center=center) for _ in range(4))
    make_visit(regular, local_moment(date(2021, 3, 1), 0, 5))
    make_visit(regular, local_moment(date(2021, 3, 31), 23, 30))
    make_visit(once, local_moment(date(2021, 3, 15), 10))
    make_visit(april, local_moment(date(2021, 4, 1), 0, 10))
    make_visit(february, local_moment(date(2021, 2, 28), 12))
    make_visit(PersonFactory(center=other_center), local_moment(date(2021, 3, 15), 10))

    # labor disputes
    make_dispute(
        center,
        opened_on=date(2021, 3, 5),
        resolved_on=date(2021, 3, 20),
        result="in_favor",
        recovered_kzt=Decimal("20000"),
    )
    make_dispute(
        center,
        opened_on=date(2021, 2, 1),
        resolved_on=date(2021, 3, 10),
        result="partly",
        recovered_kzt=Decimal("5"),
    )
    make_dispute(center, opened_on=date(2021, 3, 15))
    make_dispute(center, opened_on=date(2021, 1, 10), resolved_on=date(2021, 4, 1), result="not_in_favor")

    # disputes prevented: three at two organizations in March, one in February
    first, second = employer_of(center), employer_of(center)
    make_prevented(center, employer=first, prevented_on=date(2021, 3, 3))
    make_prevented(center, employer=first, prevented_on=date(2021, 3, 20))
    make_prevented(center, employer=second, prevented_on=date(2021, 3, 31))
    make_prevented(center, employer=second, prevented_on=date(2021, 2, 27))
    return center, other_center


@pytest.fixture(scope="module")
def march_centers(django_db_setup, django_db_blocker):
    """March's two centers, built once for the module (the tests only read them)."""
    with rows_for_the_module(django_db_blocker, _march_create) as centers:
        yield centers


@pytest.fixture
def march(march_centers):
    """The center whose March 2021 is built."""
    return march_centers[0]


@pytest.fixture
def march_other_center(march_centers):
    """The other center, with one case in March."""
    return march_centers[1]


def figures_of(center, period=MARCH_2021):
    return report_figures(center_id=center.pk if center else None, period=period, as_of=timezone.now())


@pytest.mark.django_db
def test_application_totals(march):
    totals = figures_of(march)["totals"]

    assert totals == {
        "received": 7,
        "decided": 6,
        "satisfied": 1,
        "partially_satisfied": 1,
        "rejected": 1,
        "explained": 1,
        "withdrawn": 1,
        "referred": 1,
        "positive": 2,
        "positive_rate": "33.3",
        "pending": 3,
        "overdue": 1,
        "recovered_kzt": "150000.50",
    }


@pytest.mark.django_db
def test_breakdowns_by_service_topic_kind_and_channel(march):
    figures = figures_of(march)

    legal = figures["by_service"]["legal_clinic"]
    assert (legal["received"], legal["decided"], legal["positive"], legal["positive_rate"]) == (
        5,
        3,
        2,
        "66.7",
    )
    assert (legal["pending"], legal["overdue"]) == (3, 1)
    reception = figures["by_service"]["public_reception"]
    assert (reception["received"], reception["explained"], reception["withdrawn"]) == (2, 1, 1)
    assert reception["positive_rate"] == "0.0"
    prevention = figures["by_service"]["prevention_center"]
    assert (prevention["received"], prevention["decided"], prevention["rejected"]) == (0, 1, 1)
    assert figures["by_topic"]["dismissal"]["partially_satisfied"] == 1
    assert figures["by_topic"]["wages"]["received"] == 6
    assert figures["by_kind"]["oral_consultation"]["explained"] == 1
    assert figures["by_channel"]["phone"]["received"] == 1
    assert figures["by_channel"]["in_person"]["received"] == 6
    # every breakdown adds up to the totals
    for breakdown in ("by_service", "by_topic", "by_kind", "by_channel"):
        for figure in ("received", "decided", "positive", "pending", "overdue"):
            assert sum(row[figure] for row in figures[breakdown].values()) == figures["totals"][figure]


@pytest.mark.django_db
def test_reception_disputes_prevented_and_money(march):
    figures = figures_of(march)

    assert (figures["visits"], figures["visitors"]) == (3, 2)
    assert figures["disputes"] == {
        "opened": 2,
        "opened_collective": 0,
        "workers_affected": 2,
        "resolved": 2,
        "by_result": {"in_favor": 1, "partly": 1, "not_in_favor": 0},
        "recovered_kzt": "20005.00",
    }
    assert figures["prevented"] == {"disputes": 3, "organizations": 2, "workers_affected": 3}
    assert figures["money"] == {
        "applications_kzt": "150000.50",
        "disputes_kzt": "20005.00",
        "total_kzt": "170005.50",
    }


@pytest.mark.django_db
def test_change_against_previous_month_and_a_year_before(march):
    comparison = figures_of(march)["comparison"]

    previous = comparison["previous"]
    assert previous["period"] == {"kind": "month", "start": "2021-02-01", "end": "2021-02-28"}
    assert previous["changes"] == {
        "received": {"earlier": 2, "absolute": 5, "percent": "250.0"},
        "decided": {"earlier": 1, "absolute": 5, "percent": "500.0"},
        "positive": {"earlier": 1, "absolute": 1, "percent": "100.0"},
        "positive_rate": {"earlier": "100.0", "absolute": "-66.7", "percent": "-66.7"},
    }
    year_before = comparison["year_before"]
    assert year_before["period"]["start"] == "2020-03-01"
    assert year_before["changes"]["received"] == {"earlier": 1, "absolute": 6, "percent": "600.0"}
    assert year_before["changes"]["positive_rate"]["earlier"] == "100.0"


@pytest.mark.django_db
def test_no_decisions_means_no_rate_and_no_percent_change(center, make_case):
    make_case(center, received_on=date(2021, 3, 2))

    figures = figures_of(center)

    assert figures["totals"]["positive_rate"] is None
    assert figures["comparison"]["previous"]["changes"]["received"] == {
        "earlier": 0,
        "absolute": 1,
        "percent": None,
    }
    assert figures["comparison"]["previous"]["changes"]["positive_rate"]["absolute"] is None


@pytest.mark.django_db
def test_trend_counts_received_and_positive_by_month_for_twelve_months(march):
    trend = figures_of(march)["trend"]

    assert [month["month"] for month in trend] == [f"2020-{m:02d}" for m in range(4, 13)] + [
        "2021-01",
        "2021-02",
        "2021-03",
    ]
    by_month = {month["month"]: (month["received"], month["positive"]) for month in trend}
    assert by_month["2021-03"] == (7, 2)
    assert by_month["2021-02"] == (2, 1)
    assert by_month["2021-01"] == (1, 0)
    assert by_month["2020-04"] == (0, 0)  # March 2020 is outside the 12 months


@pytest.mark.django_db
def test_labels_name_the_codes_of_the_breakdowns(march):
    labels = figures_of(march)["labels"]

    assert labels["service"]["legal_clinic"]["en"] == "Legal clinic"
    assert labels["center"] == {
        str(march.pk): {"en": march.name_en, "ru": march.name_ru, "kk": march.name_kk}
    }


@pytest.mark.django_db
def test_open_cases_of_a_running_period_are_counted_today(center, make_case):
    # given a case received today, due in 15 working days
    make_case(center, received_on=timezone.localdate())
    period = Period.containing(PeriodKind.MONTH, timezone.localdate())

    figures = figures_of(center, period)

    assert figures["open_on"] == timezone.localdate().isoformat()
    assert (figures["totals"]["pending"], figures["totals"]["overdue"]) == (1, 0)


@pytest.mark.django_db
def test_federation_rolls_up_every_center(march, march_other_center):
    # given a third center with a year-before case only
    third = CenterFactory()

    federation = figures_of(None)
    centers = [figures_of(march), figures_of(march_other_center), figures_of(third)]

    for figure in ("received", "decided", "satisfied", "positive", "pending", "overdue"):
        assert federation["totals"][figure] == sum(figures["totals"][figure] for figures in centers)
        assert federation["totals"][figure] == sum(row[figure] for row in federation["by_center"].values())
    assert federation["by_center"][str(march.pk)] == centers[0]["totals"]
    assert federation["by_center"][str(march_other_center.pk)]["received"] == 1
    assert federation["visitors"] == sum(figures["visitors"] for figures in centers) == 3
    assert federation["prevented"]["organizations"] == 2
    assert Decimal(federation["money"]["total_kzt"]) == sum(Decimal(f["money"]["total_kzt"]) for f in centers)
    assert set(federation["labels"]["center"]) == {str(march.pk), str(march_other_center.pk), str(third.pk)}
    assert "by_center" not in centers[0]


@pytest.mark.django_db
@pytest.mark.parametrize("center_report", [True, False], ids=["center", "federation"])
def test_query_count_does_not_depend_on_the_number_of_cases(center, make_case, center_report):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            figures_of(center if center_report else None)
        return len(queries)

    # given one case
    make_case(
        center, received_on=date(2021, 3, 2), decided_on=date(2021, 3, 3), outcome_code=Outcome.SATISFIED
    )
    with_one = count_queries()
    # when there are 30, in several groups of every breakdown
    for number in range(29):
        make_case(
            center if number % 2 else CenterFactory(),
            received_on=date(2021, 3, 1 + number % 28),
            decided_on=date(2021, 3, 28) if number % 3 else None,
            outcome_code=Outcome.SATISFIED if number % 3 else None,
            topic_code=f"topic_{number % 4}",
            service_code=Service.PUBLIC_RECEPTION if number % 5 else Service.LEGAL_CLINIC,
        )
    with_thirty = count_queries()

    # then: the cells (totals and every breakdown), the comparison, trend, visits, disputes, prevented,
    # labels
    assert with_one == with_thirty == 7
