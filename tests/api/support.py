"""Helpers shared by the API tests."""

from datetime import date
from itertools import count

from organizations.identifiers import make_bin
from tests.factories import EmployerFactory

_serials = count(1)


def new_employer(center, **kwargs):
    """An employer with a BIN no other test employer has.

    EmployerFactory numbers BINs by serial, but a serial without a check digit moves on to the
    next one, which the next employer then gets too; steps of ten leave room for that."""
    return EmployerFactory(
        center=center, bin=make_bin(date(2016, 6, 1), serial=next(_serials) * 10), **kwargs
    )
