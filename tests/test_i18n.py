"""Russian and Kazakh: the catalogs are complete and compiled, and pages, forms and the API speak them."""

import ast
import gettext as gnu_gettext
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from organizations.models import Role
from tests import factories
from tests.factories import CenterFactory, StaffFactory

LOCALE = Path(settings.BASE_DIR) / "locale"
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
