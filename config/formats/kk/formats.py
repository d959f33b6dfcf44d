# Django has no formats for Kazakh: dates, times and numbers as written in Kazakhstan (as for Russian
# there): 30.11.2026, a 24-hour clock, weeks from Monday, 10 382 and 0,6.
# The *_FORMAT strings use Django's date format syntax; the *_INPUT_FORMATS Python's strptime syntax.
DATE_FORMAT = "d.m.Y"  # 30.11.2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "d.m.Y H:i"
YEAR_MONTH_FORMAT = "Y ж. F"  # 2026 ж. Қараша ("ж." is "жыл", year)
MONTH_DAY_FORMAT = "j F"  # 30 Қараша
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# The first of each list is how a text field (the admin's) shows a value; Django adds the ISO forms.
DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # 30.11.2026
    "%d.%m.%y",  # 30.11.26
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # 14:30:59
    "%H:%M:%S.%f",  # 14:30:59.000200
    "%H:%M",  # 14:30
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",  # 30.11.2026 14:30:59
    "%d.%m.%Y %H:%M:%S.%f",  # 30.11.2026 14:30:59.000200
    "%d.%m.%Y %H:%M",  # 30.11.2026 14:30
    "%d.%m.%y %H:%M:%S",  # 30.11.26 14:30:59
    "%d.%m.%y %H:%M:%S.%f",  # 30.11.26 14:30:59.000200
    "%d.%m.%y %H:%M",  # 30.11.26 14:30
]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a non-breaking space
NUMBER_GROUPING = 3
