"""One spelling key for a name written in Russian, Kazakh or Latin letters (clinic.names)."""

import pytest

from clinic.names import name_key


@pytest.mark.parametrize(
    "spellings",
    [
        ("Нұрлан", "Нурлан", "Nurlan", "NURLAN"),
        ("Жумабаева Айгуль", "Жұмабаева Айгүль", "Zhumabayeva Aygul", "Jumabaeva Aigul"),
        ("Өмірзақ Ғалым", "Омирзак Галым", "Ömirzaq Ğalym", "Omirzak Galym"),
        ("Хасенов", "Khasenov", "Hasenov"),
        ("Ерлан", "Yerlan", "Erlan"),
        ("Токаев", "Tokayev", "Tokaev"),
        ("Сергеевич", "Sergeyevich", "Sergeevich"),
        ("Алексей", "Aleksey", "Aleksei"),
        ("Михаил", "Mikhail"),
        ("Чайковский", "Chaykovskiy", "Chaikovskii"),
        ("Щукин", "Shchukin"),
        ("Ташкентбаев", "Tashkentbaev", "Ташкентбаев   "),
    ],
)
def test_every_spelling_of_a_name_has_one_key(spellings):
    assert len({name_key(spelling) for spelling in spellings}) == 1


def test_the_key_is_lower_case_latin_words():
    assert name_key("  Сейітқали-Ұлы  О'Нил, Ә. ") == "seiitkali uli o nil a"


@pytest.mark.parametrize("nothing", ["", "  ", "123 -", None])
def test_what_has_no_letters_has_an_empty_key(nothing):
    assert name_key(nothing) == ""


def test_a_name_typed_so_far_is_a_part_of_the_key():
    assert name_key("Tokay") in name_key("Токаев Ерлан")
    assert name_key("жумаба") in name_key("Zhumabayeva")


def test_different_names_keep_different_keys():
    assert name_key("Нурлан") != name_key("Нурлана") != name_key("Нурлы")
