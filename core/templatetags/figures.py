"""Figures as the page's language writes them: counts, money and percentages grouped by thousands with
the language's separators (4 536 000,00 and 61,8 in Russian and Kazakh, 4,536,000.00 and 61.8 in
English), and dates stored as ISO text shown as dates.

USE_THOUSAND_SEPARATOR stays off: it would group every number a template prints, ids in URLs, years
and form values included. Figures are grouped where they are shown, through these filters:

    {% load figures %}
    {{ kpi.value|number|default_if_none:"—" }}   {{ case.recovered_kzt|money }}   {{ change|signed }}
    {{ period.start|iso_date|date:"SHORT_DATE_FORMAT" }}
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


def as_number(value: Any) -> int | Decimal | None:
    """An int or Decimal from a figure (stored figures keep decimals as strings: "61.8"); None if it
    is none or not a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


@register.filter
def number(value: Any, places: int | None = None) -> Any:
    """A count or amount, grouped by thousands; `places` rounds to that many decimals, else the
    figure keeps its own. None stays None (for default_if_none); text that is no number stays as it is."""
    figure = as_number(value)
    if figure is None:
        return None if value is None else value
    if places is not None:
        figure = Decimal(figure).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    return number_format(figure, decimal_pos=None if places is None else int(places), force_grouping=True)


@register.filter
def money(value: Any) -> Any:
    """An amount of tenge with its tiyns: 4 536 000,00."""
    return number(value, 2)


@register.filter
def signed(value: Any) -> Any:
    """A change, with "+" before a rise: +10,0; −3 stays -3."""
    figure = as_number(value)
    shown = number(value)
    return f"+{shown}" if figure is not None and figure > 0 else shown


@register.filter
def iso_date(value: Any) -> date | Any:
    """A date stored as ISO text ("2026-11-30") as a date, for the date filter; anything else as it is."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value
