"""Hearings and meetings on the case page, the calendar page (week and month, in Russian and Kazakh),
and the private iCalendar feed a phone subscribes to."""

from datetime import datetime, time, timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from clinic import services
from clinic.models import CalendarFeed, Event
from organizations.models import Role
from tests.factories import CenterFactory, StaffFactory

pytestmark = pytest.mark.django_db

# The month names of a month's heading, as Django's formats give them.
MONTHS_RU = [
    "Январь",
    "Февраль",
    "Март",
    "Апрель",
    "Май",
    "Июнь",
    "Июль",
    "Август",
    "Сентябрь",
    "Октябрь",
    "Ноябрь",
    "Декабрь",
]
MONTHS_KK = [
    "Қаңтар",
    "Ақпан",
    "Наурыз",
    "Сәуір",
    "Мамыр",
    "Маусым",
    "Шілде",
    "Тамыз",
    "Қыркүйек",
    "Қазан",
    "Қараша",
    "Желтоқсан",
]


def _at(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _tomorrow():
    return timezone.localdate() + timedelta(days=1)


@pytest.fixture
def case(case_of, center, lawyer):
    return case_of(center, lawyer=lawyer, start=True)


def _event(case, by, **kwargs) -> Event:
    kwargs.setdefault("kind", Event.Kind.HEARING)
    kwargs.setdefault("starts_at", _at(_tomorrow(), 10, 30))
    kwargs.setdefault("place", "Almaty district court No. 2, room 14")
    return services.event_create(by=by, record=case, **kwargs)


# The case page


def test_a_lawyer_schedules_a_hearing_from_the_case_page_and_later_records_its_outcome(
    client_for, case, lawyer
):
    client = client_for(lawyer)
    # given: the page offers the action
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert "Schedule a hearing or a meeting" in page.text
    assert "No hearings or meetings scheduled." in page.text
    # when
    response = client.post(
        f"/cases/{case.pk}/event/",
        {
            "kind": "hearing",
            "starts_at": f"{_tomorrow():%Y-%m-%d}T10:30",
            "duration_minutes": "90",
            "place": "Almaty district court No. 2, room 14",
            "notes": "Bring the dismissal order.",
            "lawyer": "",
        },
    )
    # then: the event is the case's, at 10:30 Almaty time, its lawyer the case's
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.application, event.center_id, event.lawyer, event.duration_minutes) == (
        case,
        case.center_id,
        lawyer,
        90,
    )
    assert timezone.localtime(event.starts_at).time() == time(10, 30)
    assert str(timezone.localtime(event.starts_at).tzinfo) == "Asia/Almaty"
    page = client.get(f"/cases/{case.pk}/").text
    assert "Court hearing" in page
    assert "room 14" in page
    assert "Bring the dismissal order." in page
    # no outcome can be recorded before the hearing took place
    assert "Record the outcome of a hearing or a meeting" not in page
    # when it took place
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    assert "Record the outcome of a hearing or a meeting" in client.get(f"/cases/{case.pk}/").text
    response = client.post(
        f"/cases/{case.pk}/event-outcome/", {"event": event.pk, "outcome": "Postponed to next week."}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.outcome, event.version) == ("Postponed to next week.", 2)
    assert LogEntry.objects.get_for_object(event).count() == 2  # created, outcome recorded


def test_the_case_page_refuses_a_missing_time_with_the_error_next_to_the_field(client_for, case, lawyer):
    response = client_for(lawyer).post(
        f"/cases/{case.pk}/event/", {"kind": "hearing", "starts_at": "", "duration_minutes": "60"}
    )
    assert response.status_code == 422
    assert response.context["actions_by_slug"]["event"].form.errors["starts_at"]
    assert not Event.objects.exists()


def test_another_lawyer_of_the_center_may_not_schedule_for_a_case_not_theirs(client_for, case, center):
    colleague = StaffFactory(role=Role.LAWYER, center=center)
    response = client_for(colleague).post(
        f"/cases/{case.pk}/event/",
        {"kind": "hearing", "starts_at": f"{_tomorrow():%Y-%m-%d}T10:30", "duration_minutes": "60"},
    )
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_another_centers_case_is_a_404(client_for, case):
    stranger = StaffFactory(role=Role.MANAGER, center=CenterFactory())
    response = client_for(stranger).post(
        f"/cases/{case.pk}/event/",
        {"kind": "hearing", "starts_at": f"{_tomorrow():%Y-%m-%d}T10:30", "duration_minutes": "60"},
    )
    assert response.status_code == 404


# The calendar page


def test_the_week_in_russian_shows_the_event_with_its_time_kind_case_and_place(client_for, case, lawyer):
    _event(case, lawyer)
    response = client_for(lawyer).get(
        "/calendar/", {"date": f"{_tomorrow():%Y-%m-%d}"}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 200
    page = response.context["page"]
    assert page.view == "week"
    assert [day.day.weekday() for day in page.weeks[0]] == [0, 1, 2, 3, 4, 5, 6]
    text = response.text
    assert "Понедельник" in text
    assert "Воскресенье" in text
    assert "10:30" in text
    assert "Судебное заседание" in text
    assert case.registration_number in text
    assert "room 14" in text
    # Saturday and Sunday are shaded as days off
    assert [day.is_day_off for day in page.weeks[0]][5:] == [True, True]
    assert text.count('class="day today') == (1 if page.start <= timezone.localdate() < page.end else 0)


def test_the_month_in_russian_and_kazakh_names_the_month_and_shows_the_event(client_for, case, lawyer):
    event = _event(case, lawyer, kind=Event.Kind.CONCILIATION)
    day = timezone.localtime(event.starts_at).date()
    client = client_for(lawyer)
    russian = client.get(
        "/calendar/", {"view": "month", "date": f"{day:%Y-%m-%d}"}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert russian.status_code == 200
    assert f"{MONTHS_RU[day.month - 1]} {day.year}" in russian.text
    assert "Заседание согласительной комиссии" in russian.text
    assert case.registration_number in russian.text
    page = russian.context["page"]
    assert len(page.weeks) in (4, 5, 6)
    assert all(len(week) == 7 for week in page.weeks)
    kazakh = client.get("/calendar/", {"view": "month", "date": f"{day:%Y-%m-%d}"}, HTTP_ACCEPT_LANGUAGE="kk")
    assert f"{MONTHS_KK[day.month - 1]} {day.year}" in kazakh.text
    assert "Дүйсенбі" in kazakh.text


def test_the_calendar_moves_by_weeks_and_months_and_shades_official_days_off(client_for, lawyer):
    client = client_for(lawyer)
    # Nauryz 2026: 21-23 March are days off (Saturday 21 March's holiday moves to Wednesday 25 March).
    week = client.get("/calendar/", {"view": "week", "date": "2026-03-25"}).context["page"]
    assert (week.start.isoformat(), week.previous.isoformat(), week.next.isoformat()) == (
        "2026-03-23",
        "2026-03-16",
        "2026-03-30",
    )
    assert [day.is_day_off for day in week.weeks[0]] == [True, True, True, False, False, True, True]
    month = client.get("/calendar/", {"view": "month", "date": "2026-03-25"}).context["page"]
    assert (month.start.isoformat(), month.last_day.isoformat()) == ("2026-02-23", "2026-04-05")
    assert (month.previous.isoformat(), month.next.isoformat()) == ("2026-02-01", "2026-04-01")


def test_a_bad_date_is_a_400_with_the_error_in_the_users_language(client_for, lawyer):
    response = client_for(lawyer).get("/calendar/", {"date": "2026-02-30"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert "Введите правильную дату" in response.text


def test_a_lawyer_sees_own_events_by_default_a_manager_the_centers_with_a_lawyer_filter(
    client_for, case_of, center, lawyer, manager
):
    colleague = StaffFactory(role=Role.LAWYER, center=center)
    mine = _event(case_of(center, lawyer=lawyer, start=True), lawyer)
    theirs = _event(case_of(center, lawyer=colleague, start=True), colleague)
    elsewhere_lawyer = StaffFactory(role=Role.LAWYER, center=CenterFactory())
    elsewhere = _event(
        case_of(elsewhere_lawyer.center, lawyer=elsewhere_lawyer, start=True), elsewhere_lawyer
    )
    date = f"{_tomorrow():%Y-%m-%d}"

    def shown(client, **query) -> set[int]:
        page = client.get("/calendar/", {"date": date, **query}).context["page"]
        return {event.pk for week in page.weeks for day in week for event in day.events}

    assert shown(client_for(lawyer)) == {mine.pk}
    assert shown(client_for(lawyer), lawyer="all") == {mine.pk, theirs.pk}
    assert shown(client_for(manager)) == {mine.pk, theirs.pk}
    assert shown(client_for(manager), lawyer=str(colleague.pk)) == {theirs.pk}
    # several lawyers' events each name their lawyer; a lawyer's own do not
    name = colleague.get_full_name() or colleague.username
    assert f'<span class="muted">{name}</span>' in client_for(manager).get("/calendar/", {"date": date}).text
    assert (
        f'<span class="muted">{name}</span>'
        not in client_for(colleague).get("/calendar/", {"date": date}).text
    )
    assert elsewhere.pk not in shown(client_for(manager))
    # another center's lawyer cannot be chosen
    assert client_for(manager).get("/calendar/", {"lawyer": elsewhere_lawyer.pk}).status_code == 400


def test_the_calendar_is_for_lawyers_and_managers_and_linked_from_their_navigation(
    client_for, lawyer, reception, analyst
):
    assert 'href="/calendar/"' in client_for(lawyer).get("/cases/").text
    assert client_for(reception).get("/calendar/").status_code == 403
    assert 'href="/calendar/"' not in client_for(reception).get("/cases/").text
    assert client_for(analyst).get("/calendar/").status_code == 403
    assert Client().get("/calendar/").status_code == 302  # to sign in


def test_the_calendar_query_count_does_not_grow_with_the_events(
    client_for, case_of, center, lawyer, manager, django_assert_max_num_queries
):
    for _ in range(2):
        _event(case_of(center, lawyer=lawyer, start=True), lawyer)
    client = client_for(manager)
    client.get("/calendar/")
    with CaptureQueriesContext(connection) as few:
        client.get("/calendar/", {"date": f"{_tomorrow():%Y-%m-%d}"})
    for _ in range(5):
        _event(case_of(center, lawyer=lawyer, start=True), lawyer)
    with django_assert_max_num_queries(len(few)):
        response = client.get("/calendar/", {"date": f"{_tomorrow():%Y-%m-%d}"})
    assert sum(len(day.events) for week in response.context["page"].weeks for day in week) == 7


# The feed


def _feed_path(client) -> str:
    client.post("/calendar/feed/")
    feed_url = client.get("/calendar/").context["feed_url"]
    return feed_url.split("testserver", 1)[1]


def test_tomorrows_event_is_in_the_feed_parsed_as_icalendar_without_personal_data(client_for, case, lawyer):
    event = _event(case, lawyer, notes="Call the applicant at +7 701 234 56 78, IIN 850517400123.")
    path = _feed_path(client_for(lawyer))
    # when: the phone fetches it, without a session
    response = Client().get(path)
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == f"Legal clinic: {lawyer.get_full_name() or lawyer.username}"
    [entry] = calendar.walk("VEVENT")
    assert str(entry["UID"]) == f"event-{event.pk}@tulegal"
    assert entry.decoded("DTSTART") == event.starts_at
    assert entry.decoded("DTEND") == event.starts_at + timedelta(hours=1)
    assert str(entry["LOCATION"]) == "Almaty district court No. 2, room 14"
    assert case.registration_number in str(entry["SUMMARY"])
    assert "DTSTAMP" in entry
    assert "LAST-MODIFIED" in entry
    description = str(entry["DESCRIPTION"])
    assert "Call the applicant" in description
    assert "850517400123" not in description
    assert "234 56 78" not in description
    assert case.person.full_name not in response.content.decode()
    # the same UID after a change
    services.event_update(event=event, by=lawyer, place="Room 15")
    [again] = Calendar.from_ical(Client().get(path).content).walk("VEVENT")
    assert (str(again["UID"]), str(again["LOCATION"])) == (str(entry["UID"]), "Room 15")


def test_the_feed_speaks_the_language_of_the_page_that_showed_it(client_for, case, lawyer):
    _event(case, lawyer)
    client = client_for(lawyer)
    client.post("/calendar/feed/")
    url = client.get("/calendar/", HTTP_ACCEPT_LANGUAGE="ru").context["feed_url"]
    assert url.endswith("?lang=ru")
    [entry] = Calendar.from_ical(Client().get(url.split("testserver", 1)[1]).content).walk("VEVENT")
    assert str(entry["SUMMARY"]).startswith("Судебное заседание")


def test_a_new_feed_address_revokes_the_old_one_and_is_audited(client_for, case, lawyer):
    _event(case, lawyer)
    client = client_for(lawyer)
    old = _feed_path(client)
    assert Client().get(old).status_code == 200
    # when
    response = client.post("/calendar/feed/")
    # then
    assert response.status_code == 302
    new = client.get("/calendar/").context["feed_url"].split("testserver", 1)[1]
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert Client().head(new).status_code == 200  # calendar apps may ask HEAD first
    feed = CalendarFeed.objects.get(user=lawyer)
    entries = LogEntry.objects.get_for_object(feed).order_by("timestamp")
    assert [entry.action for entry in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert all(entry.actor_id == lawyer.pk for entry in entries)
    assert feed.token not in str([entry.changes for entry in entries])


def test_a_wrong_token_or_an_unknown_feed_is_a_404(client_for, lawyer):
    path = _feed_path(client_for(lawyer))
    feed = CalendarFeed.objects.get(user=lawyer)
    assert Client().get(path.replace(feed.token, "x" * len(feed.token))).status_code == 404
    assert Client().get(f"/calendar/feed/{feed.pk + 1}-{feed.token}.ics").status_code == 404
    lawyer.is_active = False
    lawyer.save(update_fields=["is_active"])
    assert Client().get(path).status_code == 404


def test_the_feed_holds_only_the_users_events_of_its_window(client_for, case_of, center, lawyer):
    case = case_of(center, lawyer=lawyer, start=True)
    colleague = StaffFactory(role=Role.LAWYER, center=center)
    mine = _event(case, lawyer)
    _event(case_of(center, lawyer=colleague, start=True), colleague)
    too_old = _event(case, lawyer)
    Event.objects.filter(pk=too_old.pk).update(starts_at=timezone.now() - timedelta(days=120))
    calendar = Calendar.from_ical(Client().get(_feed_path(client_for(lawyer))).content)
    assert [str(entry["UID"]) for entry in calendar.walk("VEVENT")] == [f"event-{mine.pk}@tulegal"]
