"""Public reception: a visit is answered on the spot or turned into a case, and "visit + case" is
saved all together or not at all."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from clinic import services
from clinic.models import Application, RegistrationCounter, StatusChange, Visit
from tests.factories import channel, kind, service, topic


@pytest.fixture
def visit(reception, person):
    return services.visit_register(
        by=reception,
        person=person,
        channel=channel(),
        topics=[topic("dismissal"), topic("wages")],
        question="  Dismissed without notice.  ",
    )


@pytest.mark.django_db
def test_visit_is_registered_pending(visit, reception, person):
    visit.refresh_from_db()

    assert visit.result == Visit.Result.PENDING
    assert (visit.center, visit.person, visit.registered_by) == (person.center, person, reception)
    assert visit.question == "Dismissed without notice."
    assert {t.code for t in visit.topics.all()} == {"dismissal", "wages"}


@pytest.mark.django_db
def test_visit_needs_a_topic(reception, person):
    with pytest.raises(ValidationError) as excinfo:
        services.visit_register(by=reception, person=person, channel=channel(), topics=[])

    assert "topics" in excinfo.value.message_dict


@pytest.mark.django_db
def test_a_visit_cannot_be_recorded_in_the_future(reception, person):
    tomorrow = timezone.now() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as excinfo:
        services.visit_register(
            by=reception, person=person, channel=channel(), topics=[topic()], visited_at=tomorrow
        )

    assert "visited_at" in excinfo.value.message_dict
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_visit_answered_on_the_spot(visit, reception):
    # when
    services.visit_answer_on_spot(visit=visit, by=reception, action_taken="Explained art. 52 of the Code.")
    # then
    visit.refresh_from_db()
    assert visit.result == Visit.Result.CONSULTATION
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_visit_turned_into_a_case(visit, reception, lawyer):
    # when
    application = services.visit_open_case(
        visit=visit, by=reception, service=service(), kind=kind(), lawyer=lawyer
    )
    # then
    visit.refresh_from_db()
    assert visit.result == Visit.Result.CASE_OPENED
    assert application.registration_number in visit.action_taken
    assert application.visit == visit
    assert application.person == visit.person
    assert application.lawyer == lawyer
    assert application.summary == "Dismissed without notice."
    assert application.received_on == timezone.localdate(visit.visited_at)


@pytest.mark.django_db
def test_a_visit_is_dealt_with_only_once(visit, reception):
    # given
    services.visit_open_case(visit=visit, by=reception, service=service(), kind=kind())
    # when / then
    with pytest.raises(ValidationError):
        services.visit_open_case(visit=visit, by=reception, service=service(), kind=kind())
    with pytest.raises(ValidationError):
        services.visit_answer_on_spot(visit=visit, by=reception, action_taken="Explained.")
    assert Application.objects.count() == 1


class Crash(Exception):
    pass


def _crash(*args, **kwargs):
    raise Crash("the database went away")


def _fail_creating_the_timeline(monkeypatch):
    # after the case row is saved, audited and numbered
    monkeypatch.setattr(StatusChange.objects, "create", _crash)


def _fail_saving_the_visit(monkeypatch):
    # the very last write of visit_open_case
    real_save = services.visits.save_changes

    def save(instance, fields):
        if isinstance(instance, Visit):
            _crash()
        return real_save(instance, fields)

    monkeypatch.setattr(services.visits, "save_changes", save)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("break_it", [_fail_creating_the_timeline, _fail_saving_the_visit])
def test_visit_and_case_are_saved_together_or_not_at_all(
    monkeypatch, register_case, visit, reception, center, break_it
):
    # given: one case already numbered this year, and the state before the failing attempt
    register_case()
    counter = RegistrationCounter.objects.get(center=center)
    assert counter.last_sequence == 1
    applications, audit_rows, timeline = (
        Application.objects.count(),
        LogEntry.objects.count(),
        StatusChange.objects.count(),
    )
    break_it(monkeypatch)
    # when
    with pytest.raises(Crash):
        services.visit_open_case(visit=visit, by=reception, service=service(), kind=kind())
    # then
    assert Application.objects.count() == applications
    assert not Application.objects.filter(visit=visit).exists()
    counter.refresh_from_db()
    assert counter.last_sequence == 1
    visit.refresh_from_db()
    assert (visit.result, visit.action_taken) == (Visit.Result.PENDING, "")
    assert LogEntry.objects.count() == audit_rows
    assert StatusChange.objects.count() == timeline
    # and the next attempt, once the fault is gone, takes number 2
    monkeypatch.undo()
    application = services.visit_open_case(visit=visit, by=reception, service=service(), kind=kind())
    assert application.sequence == 2
