"""Period arithmetic and the SVG chart helpers."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from core.charts import bar_chart, line_chart, nice_step
from reports.periods import Period, PeriodKind


@pytest.mark.parametrize(
    ("kind", "start", "end", "previous", "text"),
    [
        (PeriodKind.MONTH, date(2021, 2, 1), date(2021, 2, 28), date(2021, 1, 1), "2021-02"),
        (PeriodKind.MONTH, date(2020, 2, 1), date(2020, 2, 29), date(2020, 1, 1), "2020-02"),
        (PeriodKind.MONTH, date(2021, 1, 1), date(2021, 1, 31), date(2020, 12, 1), "2021-01"),
        (PeriodKind.QUARTER, date(2021, 1, 1), date(2021, 3, 31), date(2020, 10, 1), "2021-Q1"),
        (PeriodKind.QUARTER, date(2021, 10, 1), date(2021, 12, 31), date(2021, 7, 1), "2021-Q4"),
        (PeriodKind.YEAR, date(2021, 1, 1), date(2021, 12, 31), date(2020, 1, 1), "2021"),
    ],
)
def test_period_end_previous_and_name(kind, start, end, previous, text):
    period = Period(kind, start)

    assert period.end == end
    assert period.previous() == Period(kind, previous)
    assert period.year_before() == Period(kind, date(start.year - 1, start.month, 1))
    assert str(period) == text


@pytest.mark.parametrize(
    ("today", "month", "quarter", "year"),
    [
        (date(2021, 4, 1), date(2021, 3, 1), date(2021, 1, 1), date(2020, 1, 1)),
        (date(2021, 1, 1), date(2020, 12, 1), date(2020, 10, 1), date(2020, 1, 1)),
        (date(2021, 5, 17), date(2021, 4, 1), date(2021, 1, 1), date(2020, 1, 1)),
    ],
)
def test_last_completed_periods(today, month, quarter, year):
    assert Period.last_completed(PeriodKind.MONTH, today).start == month
    assert Period.last_completed(PeriodKind.QUARTER, today).start == quarter
    assert Period.last_completed(PeriodKind.YEAR, today).start == year


def test_trend_months_are_the_twelve_ending_with_the_period():
    months = Period(PeriodKind.QUARTER, date(2021, 1, 1)).trend_months()

    assert months[0] == date(2020, 4, 1)
    assert months[-1] == date(2021, 3, 1)
    assert len(months) == 12


def test_a_period_must_start_on_its_first_day():
    with pytest.raises(ValidationError):
        Period(PeriodKind.QUARTER, date(2021, 2, 1))


@pytest.mark.parametrize(("value", "step"), [(0, 1), (0.75, 1), (1.25, 2), (4, 5), (12.5, 20), (130, 200)])
def test_grid_steps_are_round_numbers(value, step):
    assert nice_step(value) == step


def test_bar_heights_are_proportional_and_names_escaped():
    svg = bar_chart(["<b>A</b>", "B"], [("received", [10, 5])], title="t & t")

    assert "&lt;b&gt;A&lt;/b&gt;" in svg
    assert "<b>" not in svg
    assert "t &amp; t" in svg
    # the axis runs to 20 (four steps of 10 / 4 rounded up to 5): 10 is half the 176 px plot height
    assert 'height="88.0"' in svg
    assert 'height="44.0"' in svg


def test_line_chart_draws_one_polyline_per_series():
    svg = line_chart(["2021-01", "2021-02"], [("received", [1, 2]), ("positive", [0, 1])], title="trend")

    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 4
