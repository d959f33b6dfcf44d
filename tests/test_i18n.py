"""Russian and Kazakh: the catalogs are complete and compiled, and pages, forms and the API speak them."""

import ast
import gettext as gnu_gettext
import json
import re
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.management import call_command
from django.forms import BaseForm
from django.forms import DateField as DjangoDateField
from django.test import Client
from django.utils import formats, timezone, translation
from rest_framework.test import APIClient

from clinic import services
from clinic.models import Outcome, PreventedDispute, Status
from core.forms import DateInput
from organizations.models import Role
from tests import factories
from tests.factories import CenterFactory, StaffFactory

LOCALE = Path(settings.BASE_DIR) / "locale"
ALMATY = ZoneInfo(settings.TIME_ZONE)
LANGUAGES = ["ru", "kk"]
PLURAL_FORMS = {
    "ru": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    "kk": "nplurals=2; plural=(n != 1);",
}
NPLURALS = {"ru": 3, "kk": 2}

# %(name)s, %s, %d, %.1f, %%: the directives of Python's % formatting; {name}: str.format's.
PERCENT_DIRECTIVE = re.compile(r"%(?:\(\w+\))?[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGcou]|%%")
BRACE_FIELD = re.compile(r"(?<!\{)\{\w*(?:[.:!][^{}]*)?\}(?!\})")


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file (the header first), without obsolete ones. Each: msgctxt (or None),
    msgid, msgid_plural (or None), msgstr ({index: text}) and flags."""
    entries, entry, key = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            finish()
            entry = None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"msgctxt": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += text
            else:
                entry[key[0]] += text
        else:
            keyword, _, value = line.partition(" ")
            text = ast.literal_eval(value)
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
                key = ("msgstr", index)
                entry["msgstr"][index] = text
            else:
                key = (keyword,)
                entry[keyword] = text
    finish()
    return entries


def catalog(language: str) -> tuple[dict, list[dict]]:
    """The header fields and the messages of a language's django.po."""
    header, *messages = parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert header["msgid"] == ""
    assert header["msgctxt"] is None
    fields = dict(line.split(": ", 1) for line in header["msgstr"][0].splitlines() if ": " in line)
    return fields, messages


def label(entry: dict) -> str:
    return repr(entry["msgid"]) + (f" (context {entry['msgctxt']!r})" if entry["msgctxt"] else "")


def directives(text: str, flags: set[str]) -> Counter:
    """What must survive translation: the format directives the string is used with."""
    found = Counter()
    if "python-format" in flags:
        found.update(PERCENT_DIRECTIVE.findall(text))
    elif "no-python-format" not in flags:
        # Not a format string (a template's {% translate %}, or text with a lone %): its % signs are text.
        found.update({"%": text.count("%")})
    if "python-brace-format" in flags:
        found.update(BRACE_FIELD.findall(text))
    return found


@pytest.fixture(autouse=True)
def back_to_the_default_language():
    """Requests switch the thread's language; later tests expect the default one."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.parametrize("language", LANGUAGES)
class TestCatalogs:
    def test_the_header_names_the_language_and_its_plural_forms(self, language):
        fields, _ = catalog(language)

        assert fields["Language"] == language
        assert fields["Content-Type"] == "text/plain; charset=UTF-8"
        assert fields["Plural-Forms"] == PLURAL_FORMS[language]

    def test_every_entry_is_translated_and_none_is_fuzzy(self, language):
        _, messages = catalog(language)

        assert len(messages) > 600
        fuzzy = [label(entry) for entry in messages if "fuzzy" in entry["flags"]]
        untranslated = [
            label(entry)
            for entry in messages
            if not all(entry["msgstr"].get(i, "").strip() for i in self.forms(entry, language))
        ]
        assert fuzzy == []
        assert untranslated == []

    def test_every_translation_keeps_the_placeholders_of_its_msgid(self, language):
        _, messages = catalog(language)

        wrong = []
        for entry in messages:
            flags = entry["flags"]
            if entry["msgid_plural"] is None:
                if directives(entry["msgstr"][0], flags) != directives(entry["msgid"], flags):
                    wrong.append(label(entry))
                continue
            # A plural form may leave the count out (Kazakh "this case" for n=1) or name it where
            # English does not (Russian form 0 is also 21, 31...): each form has the other
            # placeholders of the singular, and nothing that neither English form has.
            singular, plural = directives(entry["msgid"], flags), directives(entry["msgid_plural"], flags)
            for index in self.forms(entry, language):
                found = directives(entry["msgstr"][index], flags)
                if not (set(found) <= set(singular) | set(plural)):
                    wrong.append(f"{label(entry)} [{index}]")
                if not (set(singular) & set(plural)) <= set(found):
                    wrong.append(f"{label(entry)} [{index}]")
        assert wrong == []

    def test_the_compiled_catalog_holds_exactly_the_po_files_translations(self, language):
        _, messages = catalog(language)
        with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
            compiled = gnu_gettext.GNUTranslations(mo)._catalog

        expected = {}
        for entry in messages:
            key = entry["msgid"] if entry["msgctxt"] is None else f"{entry['msgctxt']}\x04{entry['msgid']}"
            if entry["msgid_plural"] is None:
                expected[key] = entry["msgstr"][0]
            else:
                for index, text in entry["msgstr"].items():
                    expected[(key, index)] = text
        compiled = {key: text for key, text in compiled.items() if key != ""}

        assert compiled == expected, "the .mo files are stale: run manage.py compilemessages"

    def test_django_finds_every_translation(self, language):
        _, messages = catalog(language)

        missed = []
        with translation.override(language):
            for entry in messages:
                if entry["msgid_plural"] is not None:
                    continue
                if entry["msgctxt"] is None:
                    found = translation.gettext(entry["msgid"])
                else:
                    found = translation.pgettext(entry["msgctxt"], entry["msgid"])
                if found != entry["msgstr"][0]:
                    missed.append(label(entry))
        assert missed == []

    @staticmethod
    def forms(entry: dict, language: str) -> range:
        return range(1 if entry["msgid_plural"] is None else NPLURALS[language])


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("ru", 1, "1 статистическая форма утверждена."),
        ("ru", 3, "3 статистические формы утверждены."),
        ("ru", 5, "5 статистических форм утверждено."),
        ("ru", 11, "11 статистических форм утверждено."),
        ("ru", 21, "21 статистическая форма утверждена."),
        ("ru", 24, "24 статистические формы утверждены."),
        ("kk", 1, "1 статистикалық нысан бекітілді."),
        ("kk", 7, "7 статистикалық нысан бекітілді."),
    ],
)
def test_plural_forms_follow_the_language(language, count, expected):
    with translation.override(language):
        text = translation.ngettext("%d return approved.", "%d returns approved.", count) % count

    assert text == expected


@pytest.mark.django_db
class TestPages:
    def test_the_login_page_follows_accept_language(self):
        response = Client().get("/accounts/login/", headers={"accept-language": "ru"})

        assert response.status_code == 200
        assert response["Content-Language"] == "ru"
        page = response.content.decode()
        assert '<html lang="ru">' in page
        assert "<h1>Войти</h1>" in page
        assert "Забыли пароль? Попросите администратора вашего объединения установить новый." in page

    def test_the_login_page_follows_the_language_cookie(self):
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"

        response = client.get("/accounts/login/", headers={"accept-language": "en"})

        assert response["Content-Language"] == "ru"
        assert "<h1>Войти</h1>" in response.content.decode()

    def test_without_a_preference_the_page_is_english(self):
        response = Client().get("/accounts/login/")

        assert response["Content-Language"] == "en"
        assert "<h1>Sign in</h1>" in response.content.decode()

    def test_the_language_switcher_makes_the_next_page_kazakh(self):
        client = Client(enforce_csrf_checks=True)
        page = client.get("/accounts/login/", headers={"accept-language": "ru"})
        token = page.context["csrf_token"]

        switched = client.post(
            "/i18n/setlang/", {"language": "kk", "next": "/accounts/login/", "csrfmiddlewaretoken": token}
        )

        assert switched.status_code == 302
        assert switched["Location"] == "/accounts/login/"
        assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "kk"
        response = client.get("/accounts/login/", headers={"accept-language": "ru"})
        assert response["Content-Language"] == "kk"
        page = response.content.decode()
        assert '<html lang="kk">' in page
        assert "<h1>Кіру</h1>" in page
        assert '<option value="kk" selected>' in page

    def test_a_signed_in_page_is_translated_too(self):
        manager = StaffFactory(role=Role.MANAGER, center=CenterFactory())
        client = Client()
        client.force_login(manager)

        response = client.get("/cases/", headers={"accept-language": "kk"})

        assert response.status_code == 200
        page = response.content.decode()
        assert "Өтініштер" in page
        assert "Шығу" in page


@pytest.mark.django_db
class TestFormErrors:
    def test_a_required_field_is_reported_in_russian(self):
        response = Client().post(
            "/accounts/login/", {"username": "", "password": ""}, headers={"accept-language": "ru"}
        )

        assert response.status_code == 200
        assert response.context["form"].errors["username"] == ["Обязательное поле."]
        assert "Обязательное поле." in response.content.decode()

    def test_the_reception_desk_reports_its_own_errors_in_russian(self):
        factories.channel("in_person")
        reception = StaffFactory(role=Role.RECEPTION, center=CenterFactory())
        client = Client()
        client.force_login(reception)

        response = client.post(
            "/reception/",
            {"person": "new", "full_name": "", "result": "consultation"},
            headers={"accept-language": "ru"},
        )

        assert response.status_code == 422
        errors = response.context["form"].errors
        assert errors["full_name"] == ["Введите ФИО посетителя."]
        assert errors["channel"] == ["Обязательное поле."]
        assert "Введите ФИО посетителя." in response.content.decode()


@pytest.mark.django_db
class TestApi:
    def client(self) -> APIClient:
        client = APIClient()
        client.force_authenticate(StaffFactory(role=Role.RECEPTION, center=CenterFactory()))
        return client

    def test_a_400_field_message_is_in_russian(self):
        response = self.client().post(
            "/api/v1/persons/",
            {"full_name": "Айгерим Серикова", "iin": "12345"},
            format="json",
            headers={"accept-language": "ru"},
        )

        assert response.status_code == 400
        assert response["Content-Language"] == "ru"
        assert response.json()["iin"] == ["ИИН должен состоять из 12 цифр."]

    def test_a_missing_field_is_reported_in_russian(self):
        response = self.client().post(
            "/api/v1/persons/", {"iin": "12345"}, format="json", headers={"accept-language": "ru"}
        )

        assert response.status_code == 400
        assert response.json()["full_name"] == ["Обязательное поле."]

    def test_a_403_detail_is_in_kazakh(self):
        client = APIClient()
        client.force_authenticate(StaffFactory(role=Role.ANALYST, center=None))

        response = client.post(
            "/api/v1/persons/", {"full_name": "Someone"}, format="json", headers={"accept-language": "kk"}
        )

        assert response.status_code == 403
        assert response.json()["detail"] == "Сіздің рөліңіз тек оқуға рұқсат береді."


# Dates, numbers and the strings around them, in every language


def _page(client: Client, url: str, language: str, **data) -> str:
    response = client.get(url, data, headers={"accept-language": language})
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Language"] == language
    return response.content.decode()


def _date_inputs(page: str) -> dict[str, str]:
    """Every <input type="date"> of a page: its name and the value it carries."""
    found = {}
    for tag in re.findall(r"<input\b[^>]*>", page):
        if 'type="date"' in tag:
            name = re.search(r'name="([^"]+)"', tag).group(1)
            value = re.search(r'value="([^"]*)"', tag)
            found[name] = value.group(1) if value else ""
    return found


@pytest.fixture
def signed_in():
    def sign_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return sign_in


@pytest.mark.django_db
class TestDateFields:
    """A browser's date field takes and shows ISO only (2026-11-30): a localized value leaves it empty."""

    @pytest.mark.parametrize("language", ["ru", "kk", "en"])
    def test_the_period_pickers_show_their_day_in_iso(self, language, signed_in):
        # given
        manager = StaffFactory(role=Role.MANAGER, center=CenterFactory())
        analyst = StaffFactory(role=Role.ANALYST, center=None)
        # when
        dashboard = _page(signed_in(manager), "/dashboard/", language)
        reports = _page(signed_in(manager), "/reports/", language)
        federation = _page(signed_in(analyst), "/federation/", language, period_kind="year", day="2021-06-15")
        # then
        assert re.fullmatch(r"\d{4}-\d{2}-01", _date_inputs(dashboard)["day"])
        assert re.fullmatch(r"\d{4}-\d{2}-01", _date_inputs(reports)["day"])
        assert _date_inputs(federation) == {"day": "2021-06-15"}

    @pytest.mark.parametrize(
        ("language", "shown"),
        [
            ("ru", "01.01.2021 – 31.12.2021"),
            ("kk", "01.01.2021 – 31.12.2021"),
            ("en", "01/01/2021 – 12/31/2021"),
        ],
    )
    def test_the_federation_takes_the_day_the_browser_sends(self, language, shown, signed_in):
        analyst = StaffFactory(role=Role.ANALYST, center=None)

        page = _page(signed_in(analyst), "/federation/", language, period_kind="year", day="2021-06-15")

        assert shown in page

    @pytest.mark.parametrize("language", ["ru", "kk", "en"])
    def test_a_manager_extends_a_deadline_with_the_dates_the_browser_sends(self, language, signed_in):
        # given
        center = CenterFactory()
        manager = StaffFactory(role=Role.MANAGER, center=center)
        case = factories.ApplicationFactory(center=center)
        client = signed_in(manager)
        form = _date_inputs(_page(client, f"/cases/{case.pk}/", language))
        assert {"new_due_on", "applicant_notified_on"} <= set(form)
        new_due_on = case.due_on + timedelta(days=7)
        # when: a refused request shows the form again, with the dates as typed
        refused = client.post(
            f"/cases/{case.pk}/extend/",
            {
                "new_due_on": new_due_on.isoformat(),
                "reason": "",
                "applicant_notified_on": timezone.localdate().isoformat(),
                "version": case.version,
            },
            headers={"accept-language": language},
        )
        again = _date_inputs(refused.content.decode())
        response = client.post(
            f"/cases/{case.pk}/extend/",
            {
                "new_due_on": new_due_on.isoformat(),
                "reason": "The employer's answer is awaited.",
                "applicant_notified_on": timezone.localdate().isoformat(),
                "version": case.version,
            },
            headers={"accept-language": language},
        )
        # then
        assert again["new_due_on"] == new_due_on.isoformat()
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.due_on == new_due_on

    def test_every_date_of_a_web_form_is_the_browsers_date_picker(self):
        from clinic import forms as clinic_forms
        from clinic import public_forms
        from reports import views as report_views
        from reports.statistics import forms as statistics_forms

        date_fields = []
        for module in (clinic_forms, public_forms, statistics_forms, report_views):
            for form in vars(module).values():
                if isinstance(form, type) and issubclass(form, BaseForm):
                    date_fields += [
                        (form.__name__, name, field)
                        for name, field in form.base_fields.items()
                        if isinstance(field, DjangoDateField)
                    ]

        assert len(date_fields) >= 5
        assert [
            (form, name) for form, name, field in date_fields if not isinstance(field.widget, DateInput)
        ] == []

    def test_the_admin_takes_a_date_typed_as_kazakhstan_writes_it(self, signed_in):
        # given
        call_command("seed_reference", verbosity=0)
        center = CenterFactory()
        manager = StaffFactory(role=Role.MANAGER, center=center)
        employer = factories.EmployerFactory(center=center)
        client = signed_in(manager)
        # when
        response = client.post(
            "/admin/clinic/preventeddispute/add/",
            {
                "employer": employer.pk,
                "prevented_on": "30.11.2021",
                "how": "Talks with the employer.",
                "workers_affected": 40,
            },
            headers={"accept-language": "kk"},
        )
        # then
        assert response.status_code == 302, response.content.decode()[:3000]
        assert PreventedDispute.objects.get(employer=employer).prevented_on == date(2021, 11, 30)
        form = client.get(response["Location"], headers={"accept-language": "kk"}).content.decode()
        assert "30.11.2021" in form


@pytest.mark.django_db
class TestKazakhDates:
    def test_dates_and_times_are_written_day_first_with_a_24_hour_clock(self, signed_in):
        # given: a case received on 30 November, registered at a quarter to five in the afternoon
        center = CenterFactory()
        manager = StaffFactory(role=Role.MANAGER, center=center)
        case = factories.ApplicationFactory(center=center, received_on=date(2025, 11, 30))
        case.status_changes.update(changed_at=datetime(2025, 11, 30, 16, 45, tzinfo=ALMATY))
        # when
        listing = _page(signed_in(manager), "/cases/", "kk")
        detail = _page(signed_in(manager), f"/cases/{case.pk}/", "kk")
        # then
        assert "30.11.2025" in listing
        assert "30.11.2025 16:45" in detail
        assert "11/30/2025" not in listing + detail
        assert not re.search(r"\d:\d\d (?:Т\.Ж\.|Т\.Қ\.|[ap]\.m\.)", listing + detail)

    def test_the_formats_follow_kazakhstans_usage(self):
        day, moment = date(2026, 11, 30), datetime(2026, 11, 30, 13, 42, tzinfo=ALMATY)
        with translation.override("kk"):
            assert formats.date_format(day, "DATE_FORMAT") == "30.11.2026"
            assert formats.date_format(day, "SHORT_DATE_FORMAT") == "30.11.2026"
            assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "30.11.2026 13:42"
            assert formats.time_format(moment.time(), "TIME_FORMAT") == "13:42"
            assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
            assert DjangoDateField().clean("30.11.2026") == day


def _decide(case, manager, *, outcome_code: str, recovered: str, on: date) -> None:
    services.application_change_status(application=case, by=manager, to_status=Status.IN_PROGRESS)
    case.refresh_from_db()
    services.application_decide(
        application=case,
        by=manager,
        outcome=factories.outcome(outcome_code),
        recovered_kzt=Decimal(recovered),
        decided_on=on,
    )


@pytest.mark.django_db
class TestNumbers:
    """Figures grouped by thousands with the language's decimal sign; ids, years and form values never."""

    @pytest.fixture
    def year_2021(self):
        """A center (id 12345) whose 2021: two cases decided, one satisfied with 4,536,000 KZT recovered."""
        center = CenterFactory(pk=12345)
        manager = StaffFactory(role=Role.MANAGER, center=center)
        for outcome_code, recovered in ((Outcome.SATISFIED, "4536000"), (Outcome.REJECTED, "0")):
            case = factories.ApplicationFactory(center=center, received_on=date(2021, 3, 1))
            _decide(case, manager, outcome_code=outcome_code, recovered=recovered, on=date(2021, 4, 1))
        return center

    @pytest.mark.parametrize(
        ("language", "money", "rate"),
        [
            ("ru", "4\xa0536\xa0000,00", "50,0"),
            ("kk", "4\xa0536\xa0000,00", "50,0"),
            ("en", "4,536,000.00", "50.0"),
        ],
    )
    def test_the_federation_groups_money_and_writes_shares_with_the_languages_sign(
        self, language, money, rate, year_2021, signed_in
    ):
        analyst = StaffFactory(role=Role.ANALYST, center=None)

        page = _page(signed_in(analyst), "/federation/", language, period_kind="year", day="2021-06-15")

        row = re.search(
            r'<tr>\s*<th scope="row"><a href="/federation/12345/[^"]*">.*?</tr>', page, re.S
        ).group()
        assert money in row
        assert f">{rate}<" in row
        total = re.search(r"<tfoot>.*?</tfoot>", page, re.S).group()
        assert money in total
        assert f"<strong>{rate}</strong>" in total

    @pytest.mark.parametrize("language", ["ru", "kk", "en"])
    def test_ids_years_and_form_values_are_not_grouped(self, language, year_2021, signed_in):
        analyst = StaffFactory(role=Role.ANALYST, center=None)
        client = signed_in(analyst)

        federation = _page(client, "/federation/", language, period_kind="year", day="2021-06-15")
        center = _page(client, "/federation/12345/", language, period_kind="year", day="2021-06-15")
        reports = _page(client, "/reports/", language)

        assert 'href="/federation/12345/?period_kind=year&amp;day=2021-06-15"' in federation
        assert '<option value="12345">' in reports
        assert 'value="2021-06-15"' in federation + center
        for page in (federation, center, reports):
            assert not re.search(r"12[\xa0,]345|2[\xa0,]02[01]", page)
        assert "2021" in federation + center

    @pytest.mark.parametrize(
        ("language", "money", "change"),
        [("ru", "4\xa0536\xa0000,00", "+4\xa0536\xa0000,00"), ("en", "4,536,000.00", "+4,536,000.00")],
    )
    def test_the_centers_figures_and_their_change_are_grouped(
        self, language, money, change, year_2021, signed_in
    ):
        analyst = StaffFactory(role=Role.ANALYST, center=None)

        page = _page(signed_in(analyst), "/federation/12345/", language, period_kind="year", day="2021-06-15")

        kpi = re.search(r'<div class="kpi" data-kpi="recovered_kzt">.*?</div>\s*</div>', page, re.S).group()
        assert f'<div class="value">{money}</div>' in kpi
        assert f"({change})" in kpi
        rate = re.search(r'<div class="kpi" data-kpi="positive_rate">.*?</div>\s*</div>', page, re.S).group()
        assert ("50,0" if language == "ru" else "50.0") in rate

    def test_the_case_page_groups_the_money_recovered(self, signed_in):
        center = CenterFactory()
        manager = StaffFactory(role=Role.MANAGER, center=center)
        case = factories.ApplicationFactory(center=center, received_on=date(2021, 3, 1))
        _decide(case, manager, outcome_code=Outcome.SATISFIED, recovered="1234567.5", on=date(2021, 4, 1))

        page = _page(signed_in(manager), f"/cases/{case.pk}/", "ru")

        assert "<dd>1\xa0234\xa0567,50</dd>" in page


# Strings that stayed English on Russian and Kazakh pages: Django's admin and sign-in, django-auditlog's
# columns. Each is looked for where it was seen, so the list stays short and cannot pass by accident.
ENGLISH_LEFT = {
    "login": ["Please enter a correct", "Note that both fields may be case-sensitive"],
    "admin": [
        "Django administration",
        "Django site admin",
        "Skip to main content",
        "View site",
        "Recent actions",
        "My actions",
        "Toggle theme",
        "Authentication and Authorization",
        "Models in the ",
        "Periodic Tasks",
        "Access attempts",
        ">Audit log<",
    ],
    "changelist": [
        "Start typing to filter",
        "Show counts",
        "Remove from sorting",
        "Toggle sorting",
        "Select all objects on this page",
    ],
    "changeform": ["Add another ", "Change selected ", "View selected ", "— → registered"],
    "auditlog": [
        ">Changes<",
        ">Resource<",
        "Resource Type",
        ">Action<",
        ">Correlation ID<",
        " changes: ",
        " change: ",
        ">create<",
        ">update<",
    ],
    "history": [">Field<", ">From<", ">To<", "Audit log: "],
    "entry": ["Changes:", "Resource:", "Action:", "Created ", "Updated "],
    "home": ["1 case.", " cases."],
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_is_left_on_the_pages_people_use(language, signed_in):
    # given: a case with a history, the federation's administrator and the center's manager
    call_command("seed_reference", verbosity=0)
    center = CenterFactory()
    manager = StaffFactory(role=Role.MANAGER, center=center)
    administrator = StaffFactory(role=Role.ADMINISTRATOR, center=None, is_superuser=True)
    case = factories.ApplicationFactory(center=center)
    services.application_assign(application=case, by=manager, lawyer=manager)
    entry = LogEntry.objects.get_for_object(case).first()
    admin = signed_in(administrator)
    pages = {
        "login": Client()
        .post(
            "/accounts/login/",
            {"username": manager.username, "password": "wrong"},
            headers={"accept-language": language},
        )
        .content.decode(),
        "admin": _page(admin, "/admin/", language),
        "changelist": _page(admin, "/admin/clinic/application/", language)
        + _page(admin, "/admin/organizations/user/", language),
        "changeform": _page(admin, f"/admin/clinic/application/{case.pk}/change/", language)
        + _page(admin, "/admin/clinic/application/add/", language),
        "auditlog": _page(admin, "/admin/auditlog/logentry/", language),
        "history": _page(admin, f"/admin/clinic/application/{case.pk}/auditlog/", language),
        "entry": _page(admin, f"/admin/auditlog/logentry/{entry.pk}/change/", language),
        "home": _page(signed_in(manager), "/dashboard/", language)
        + _page(signed_in(manager), "/cases/", language)
        + _page(signed_in(manager), f"/cases/{case.pk}/", language)
        + _page(signed_in(StaffFactory(role=Role.RECEPTION, center=center)), "/reception/", language)
        + _page(signed_in(StaffFactory(role=Role.ANALYST, center=None)), "/federation/", language),
    }
    # when
    left = {name: [text for text in ENGLISH_LEFT[name] if text in page] for name, page in pages.items()}
    # then
    assert {name: texts for name, texts in left.items() if texts} == {}
    assert "Қолданушы атауы немесе құпиясөз қате" in pages["login"] or language == "ru"


@pytest.mark.django_db
def test_the_admins_date_and_time_widgets_speak_kazakh_and_take_its_dates(signed_in):
    administrator = StaffFactory(role=Role.ADMINISTRATOR, center=None, is_superuser=True)

    script = _page(signed_in(administrator), "/admin/jsi18n/", "kk")

    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
    formats_ = json.loads(re.search(r"django\.formats = (\{.*?\});", script, re.S).group(1))
    assert catalog["Choose a Date"] == "Күнді таңдаңыз"
    assert catalog["Choose a Time"] == "Уақытты таңдаңыз"
    assert catalog["November"] == "Қараша"
    assert catalog["abbrev. day Monday\x04Mon"] == "Дс"
    assert formats_["DATE_INPUT_FORMATS"][0] == "%d.%m.%Y"
    assert formats_["FIRST_DAY_OF_WEEK"] == 1


def test_the_kazakh_day_names_are_the_usual_ones():
    # Django's own Kazakh gives Tuesday "Сб" (Saturday's abbreviation) and spells Friday "Жума"
    week = [date(2026, 11, 30) + timedelta(days=offset) for offset in range(7)]  # Monday to Sunday
    with translation.override("kk"):
        short = [formats.date_format(day, "D") for day in week]
        friday = formats.date_format(week[4], "l")
    assert short == ["Дс", "Сс", "Ср", "Бс", "Жм", "Сб", "Жс"]
    assert friday == "Жұма"
