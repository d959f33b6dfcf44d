"""Rows built once for all the tests of a module, as TestCase.setUpTestData builds them for a class."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.db import transaction

T = TypeVar("T")


@contextmanager
def rows_for_the_module(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """Run `build` in a transaction that stays open while the module's tests run and is rolled back
    after the last one. Each test runs in a savepoint of it (pytest-django's rollback per test), so a
    test that changes the rows changes them for itself only. For modules without transactional tests
    (django_db(transaction=True)): those would run inside the open transaction."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build()
        except BaseException as error:
            atomic.__exit__(type(error), error, error.__traceback__)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
