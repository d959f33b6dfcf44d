"""An IIN whose birth date is after today is refused with a clear message, in the user's language, on
every way in: the reception desk, the API and the public online form."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from clinic.models import Channel, OnlineSubmission, Person
from organizations.identifiers import make_iin
from tests import factories

pytestmark = pytest.mark.django_db

MESSAGES = {
    "ru": "Цифры 1-6 ИИН (ГГММДД) дают дату рождения позже сегодняшней: проверьте номер.",
    "kk": "ЖСН-нің 1-6 цифрлары (ЖЖААКК) бүгіннен кейінгі туған күнді береді: нөмірді тексеріңіз.",
}


@pytest.fixture
def born_tomorrow() -> str:
    return make_iin(timezone.localdate() + timedelta(days=1), female=False, serial=17)


@pytest.fixture(autouse=True)
def reference(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    factories.channel(Channel.IN_PERSON)
    factories.channel(Channel.ONLINE)
    factories.kind()
    factories.service()
    return factories.topic("wages")


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_reception_desk_refuses_it_next_to_the_field(reception, born_tomorrow, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(reception)

    response = client.post(
        "/reception/",
        {
            "person": "new",
            "full_name": "Aigerim Seitkali",
            "phone": "8 701 234 56 78",
            "iin": born_tomorrow,
            "channel": "in_person",
            "topics": ["wages"],
            "result": "consultation",
            "action_taken": "Explained.",
        },
    )

    assert response.status_code == 422
    assert response.context["form"].errors["iin"] == [MESSAGES[language]]
    assert not Person.objects.exists()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_api_answers_400_naming_the_field(reception, born_tomorrow, language):
    api = APIClient()
    api.force_authenticate(reception)

    response = api.post(
        "/api/v1/persons/",
        {"full_name": "Aigerim Seitkali", "iin": born_tomorrow},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    assert response.json() == {"iin": [MESSAGES[language]]}


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_online_form_refuses_it_next_to_the_field(center, born_tomorrow, language):
    citizen = Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR="203.0.113.40")

    response = citizen.post(
        "/online/",
        {
            "place": f"center-{center.pk}",
            "full_name": "Saule Online",
            "phone": "8 701 555 01 02",
            "iin": born_tomorrow,
            "topic": "wages",
            "question": "My wages have not been paid since March.",
            "consent": "on",
            "website": "",
        },
    )

    assert response.status_code == 422
    assert response.context["form"].errors["iin"] == [MESSAGES[language]]
    assert not OnlineSubmission.objects.exists()
