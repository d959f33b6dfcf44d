from datetime import date

import pytest

from clinic.workdays import add_working_days, holidays, is_working_day, working_days_between


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


def test_transferred_day_off():
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


def test_fifteen_working_days_in_2021():
    # From Mon 15 Mar 2021: 16-19 Mar (4), Nauryz 22-23 + transferred 24 Mar skipped,
    # 25, 26, 29, 30, 31 Mar (9), 1, 2, 5, 6, 7, 8 Apr (15).
    assert add_working_days(date(2021, 3, 15), 15) == date(2021, 4, 8)
    assert working_days_between(date(2021, 3, 15), date(2021, 4, 8)) == 15


def test_working_days_between_is_zero_when_end_not_after_start():
    assert working_days_between(date(2021, 4, 8), date(2021, 4, 8)) == 0
    assert working_days_between(date(2021, 4, 8), date(2021, 3, 15)) == 0


@pytest.mark.parametrize("year", range(2018, 2031))
def test_every_year_has_holidays(year):
    assert sum(1 for day in holidays() if day.year == year) >= 12


@pytest.mark.parametrize(
    "call",
    [
        lambda: is_working_day(date(2017, 12, 29)),
        lambda: is_working_day(date(2031, 1, 6)),
        lambda: add_working_days(date(2030, 12, 27), 5),
        lambda: working_days_between(date(2030, 12, 1), date(2031, 1, 10)),
    ],
)
def test_out_of_range_year_raises(call):
    with pytest.raises(ValueError, match="No holiday data"):
        call()


def test_negative_days_rejected():
    with pytest.raises(ValueError, match="non-negative"):
        add_working_days(date(2021, 4, 8), -1)
