"""The working-day calendar: python-holidays' Kazakhstan (the Law on Holidays, the Labour Code's weekend
transfers and every yearly decree moving a day off), with the dated overrides of seeds/."""

from datetime import date, timedelta

import holidays
import pytest

from clinic import workdays
from clinic.workdays import add_working_days, is_working_day, working_days_between

FIRST, LAST = date(2019, 1, 1), date(2029, 12, 31)


def test_deadline_skips_weekend():
    # Friday + 1 working day lands on Monday.
    assert add_working_days(date(2021, 4, 9), 1) == date(2021, 4, 12)
    assert working_days_between(date(2021, 4, 9), date(2021, 4, 12)) == 1


def test_zero_days_returns_start():
    assert add_working_days(date(2021, 4, 10), 0) == date(2021, 4, 10)


def test_deadline_across_nauryz_and_weekend():
    # 2025: Nauryz Fri 21 - Sun 23 March, so Mon 24 and Tue 25 are transferred days off.
    assert add_working_days(date(2025, 3, 20), 1) == date(2025, 3, 26)
    # 2023: Nauryz Tue 21 - Thu 23 March, then the weekend.
    assert add_working_days(date(2023, 3, 20), 2) == date(2023, 3, 27)
    assert working_days_between(date(2023, 3, 20), date(2023, 3, 27)) == 2


def test_deadline_across_kurban_ait():
    # Kurban Ait 2023 fell on Wednesday 28 June.
    assert not is_working_day(date(2023, 6, 28))
    assert add_working_days(date(2023, 6, 27), 1) == date(2023, 6, 29)


def test_religious_holiday_on_weekend_is_not_transferred():
    # Kurban Ait 2024 was on Sunday 16 June; Monday stays a working day.
    assert is_working_day(date(2024, 6, 17))


def test_holiday_on_a_weekend_moves_to_the_next_working_day():
    # Unity Day 2022 fell on Sunday 1 May, so Monday 2 May is a day off.
    assert not is_working_day(date(2022, 5, 2))
    assert add_working_days(date(2022, 4, 29), 1) == date(2022, 5, 3)
    # Defender Day 2022 (Sat 7 May) is pushed past Victory Day (Mon 9 May) to Tuesday 10 May.
    assert not is_working_day(date(2022, 5, 10))
    assert add_working_days(date(2022, 5, 6), 1) == date(2022, 5, 11)


def test_new_year_block_pushes_transfer_past_it():
    # 2023: Jan 1 is a Sunday and Jan 2 is already a holiday, so the day off moves to Jan 3.
    assert not is_working_day(date(2023, 1, 3))
    assert is_working_day(date(2023, 1, 4))


def test_2020_decree_moves_the_day_off_of_monday_11_may_to_friday_8_may():
    # given: Victory Day 2020 fell on Saturday 9 May; by the Labour Code Monday 11 May was the day off,
    # and the government's 2020 decree moved that day off to Friday 8 May
    kz = holidays.country_holidays("KZ", years=2020, language="en_US")
    assert kz.get(date(2020, 5, 8)) == "Day off (substituted from 05/11/2020)"
    assert date(2020, 5, 11) not in kz
    # then: the bridge Friday is off and Monday is worked
    assert not is_working_day(date(2020, 5, 8))
    assert is_working_day(date(2020, 5, 11))
    assert add_working_days(date(2020, 5, 7), 1) == date(2020, 5, 11)
    # 15 working days from Friday 8 May: 11-15, 18-22, 25-29 May
    assert add_working_days(date(2020, 5, 8), 15) == date(2020, 5, 29)


@pytest.mark.parametrize(
    ("worked", "day_off"),
    [
        (date(2018, 3, 3), date(2018, 3, 9)),  # Saturday worked for the Friday before Women's Day
        (date(2020, 1, 5), date(2020, 1, 3)),  # a Sunday worked for the Friday after New Year
        (date(2024, 5, 4), date(2024, 5, 8)),  # Saturday worked for the Wednesday between two holidays
        (date(2013, 12, 28), date(2014, 1, 3)),  # decreed in 2014 for a Saturday of 2013
    ],
)
def test_a_decreed_weekend_working_day_counts(worked, day_off):
    # given: python-holidays lists the decree's weekend working day
    assert worked in holidays.country_holidays("KZ", years=(worked.year, day_off.year)).weekend_workdays
    # then
    assert worked.weekday() >= 5
    assert is_working_day(worked)
    assert not is_working_day(day_off)
    assert add_working_days(worked - timedelta(days=1), 1) == worked


def test_constitution_day_30_august_up_to_2025_none_in_2026_15_march_from_2027():
    # 2025: Saturday 30 August, the day off on Monday 1 September
    assert not is_working_day(date(2025, 9, 1))
    # 2026: no Constitution Day: Sunday 30 August is no holiday, so Monday 31 August is worked
    assert date(2026, 8, 30) not in holidays.country_holidays("KZ", years=2026)
    assert is_working_day(date(2026, 8, 31))
    assert is_working_day(date(2026, 3, 16))
    # 2027: Monday 15 March
    assert not is_working_day(date(2027, 3, 15))
    assert add_working_days(date(2027, 3, 12), 1) == date(2027, 3, 16)


def test_fifteen_working_days_in_2021():
    # From Mon 15 Mar 2021: 16-19 Mar (4), Nauryz 22-23 + transferred 24 Mar skipped,
    # 25, 26, 29, 30, 31 Mar (9), 1, 2, 5, 6, 7, 8 Apr (15).
    assert add_working_days(date(2021, 3, 15), 15) == date(2021, 4, 8)
    assert working_days_between(date(2021, 3, 15), date(2021, 4, 8)) == 15


def test_a_deadline_runs_into_the_next_year():
    # From Friday 20 December 2024: 23-27, 30, 31 December (7), 1-2 January off, 3 (8), 6 (9)...
    assert add_working_days(date(2024, 12, 20), 9) == date(2025, 1, 6)
    assert working_days_between(date(2024, 12, 20), date(2025, 1, 6)) == 9
    assert working_days_between(date(2018, 12, 31), date(2029, 12, 31)) == sum(
        is_working_day(FIRST + timedelta(days=n)) for n in range((LAST - FIRST).days + 1)
    )


def test_working_days_between_is_zero_when_end_not_after_start():
    assert working_days_between(date(2021, 4, 8), date(2021, 4, 8)) == 0
    assert working_days_between(date(2021, 4, 8), date(2021, 3, 15)) == 0
    assert working_days_between(date(2022, 1, 10), date(2021, 3, 15)) == 0


@pytest.mark.parametrize(
    "call",
    [
        lambda: is_working_day(date(workdays.FIRST_YEAR - 1, 12, 29)),
        lambda: is_working_day(date(workdays.LAST_YEAR + 1, 1, 6)),
        lambda: add_working_days(date(workdays.LAST_YEAR, 12, 20), 15),
        lambda: working_days_between(date(workdays.LAST_YEAR, 12, 1), date(workdays.LAST_YEAR + 1, 1, 10)),
    ],
    ids=["before", "after", "deadline past the last year", "count past the last year"],
)
def test_a_year_python_holidays_does_not_cover_is_refused_not_taken_as_holiday_free(call):
    # python-holidays itself answers "no holidays" for such a year
    assert not holidays.country_holidays("KZ", years=workdays.LAST_YEAR + 1)

    with pytest.raises(workdays.UnknownYearError, match="No working-day calendar"):
        call()


def test_negative_days_rejected():
    with pytest.raises(ValueError, match="non-negative"):
        add_working_days(date(2021, 4, 8), -1)


# Agreement with python-holidays, computed independently


@pytest.fixture(scope="module")
def oracle():
    """Working days straight from python-holidays: Monday-Friday not listed as a holiday, or a weekend day
    a decree made working."""
    kz = holidays.country_holidays("KZ", years=range(FIRST.year - 1, LAST.year + 3))

    def working(day: date) -> bool:
        return day in kz.weekend_workdays if day.weekday() >= 5 else day not in kz

    return working


def _days(first: date, last: date):
    return (first + timedelta(days=n) for n in range((last - first).days + 1))


def test_every_day_of_2019_2029_agrees_with_python_holidays(calendar_overrides, oracle):
    calendar_overrides()  # python-holidays as released, whatever the shipped override file says

    disagree = [day for day in _days(FIRST, LAST) if is_working_day(day) != oracle(day)]

    assert disagree == []


def test_every_15_working_day_deadline_of_2019_2029_agrees_with_a_naive_count(calendar_overrides, oracle):
    calendar_overrides()

    def naive(received: date) -> date:
        day, left = received, 15
        while left:
            day += timedelta(days=1)
            left -= oracle(day)
        return day

    receipts = list(_days(FIRST, LAST))
    disagree = [(received, add_working_days(received, 15), naive(received)) for received in receipts]
    disagree = [row for row in disagree if row[1] != row[2]]

    assert len(receipts) == 4018
    assert disagree == []


# The override file


def test_an_override_line_makes_a_day_off_and_moves_a_deadline(calendar_overrides):
    # given: under python-holidays alone, 15 working days from Monday 1 June 2026 are 2-5, 8-12, 15-19
    # and 22 June
    calendar_overrides()
    assert is_working_day(date(2026, 6, 12))
    assert add_working_days(date(2026, 6, 1), 15) == date(2026, 6, 22)
    # when: a decree makes Friday 12 June a day off
    calendar_overrides("2026-06-12,no,Government decree (test) moving a day off to 12 June 2026")
    # then
    assert not is_working_day(date(2026, 6, 12))
    assert add_working_days(date(2026, 6, 1), 15) == date(2026, 6, 23)
    assert working_days_between(date(2026, 6, 1), date(2026, 6, 23)) == 15


def test_an_override_line_makes_a_saturday_working(calendar_overrides):
    calendar_overrides("2026-05-16, yes ,Government decree (test) making Saturday 16 May 2026 working")

    assert is_working_day(date(2026, 5, 16))
    assert add_working_days(date(2026, 5, 15), 1) == date(2026, 5, 16)


def test_the_shipped_override_file_is_the_one_in_force(settings):
    assert settings.CLINIC_CALENDAR_OVERRIDES == workdays.DEFAULT_OVERRIDES
    assert workdays.DEFAULT_OVERRIDES.exists()
    assert workdays.overrides() == sorted(
        workdays.load_overrides(workdays.DEFAULT_OVERRIDES).values(), key=lambda line: line.day
    )
    assert f"python-holidays {holidays.__version__} (KZ)" in workdays.source()


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("day,working,decree\n", "first line must be date,working,decree"),
        ("", "first line must be"),
        ("date,working,decree\n2026-13-01,no,Decree\n", "line 2: '2026-13-01' is not a date"),
        ("date,working,decree\n2026-05-08,maybe,Decree\n", "working must be yes or no"),
        ("date,working,decree\n2026-05-08,no,\n", "line 2: name the decree"),
        ("date,working,decree\n2026-05-08,no\n", "expected 3 columns"),
        ("date,working,decree\n2026-05-08,no,A\n\n2026-05-08,yes,B\n", "line 4: 2026-05-08 is listed twice"),
    ],
)
def test_a_malformed_override_file_is_refused_with_its_line(tmp_path, settings, content, error):
    path = tmp_path / "overrides.csv"
    path.write_text(content, encoding="utf-8")
    try:
        with pytest.raises(ValueError, match=error):
            workdays.configure(overrides=path)
    finally:
        workdays.configure(overrides=settings.CLINIC_CALENDAR_OVERRIDES)
