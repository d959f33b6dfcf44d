"""Fixtures for the clinic's specifications: cases built through the real services."""

from collections.abc import Callable
from datetime import date
from itertools import count
from pathlib import Path

import pytest

from clinic import services
from clinic.models import Application, Status
from organizations.models import User
from tests.factories import ApplicationFactory, PersonFactory


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded documents go to a temporary directory, not the project's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def person(center):
    return PersonFactory(center=center)


@pytest.fixture
def register_case(center, reception) -> Callable[..., Application]:
    """Register a case in `center` through application_register, as the reception desk would."""

    def register(**kwargs) -> Application:
        kwargs.setdefault("center", center)
        kwargs.setdefault("registered_by", reception)
        return ApplicationFactory(**kwargs)

    return register


@pytest.fixture
def case_in_progress(register_case, lawyer) -> Callable[..., Application]:
    """A case assigned to `lawyer` (or the given one) and taken into work by them."""

    def start(*, by: User | None = None, received_on: date | None = None, **kwargs) -> Application:
        by = by or lawyer
        if received_on is not None:
            kwargs["received_on"] = received_on
        application = register_case(lawyer=by, **kwargs)
        return services.application_change_status(
            application=application, by=by, to_status=Status.IN_PROGRESS
        )

    return start


@pytest.fixture
def calendar_overrides(settings, tmp_path) -> Callable[..., Path]:
    """Point the working-day calendar at an override file holding these lines ("date,working,decree");
    with none, a file with the header alone (python-holidays as released)."""
    numbers = count(1)

    def write(*lines: str) -> Path:
        path = tmp_path / f"calendar_overrides_{next(numbers)}.csv"
        path.write_text("date,working,decree\n" + "".join(f"{line}\n" for line in lines), encoding="utf-8")
        settings.CLINIC_CALENDAR_OVERRIDES = path
        return path

    return write
