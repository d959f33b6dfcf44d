"""How a typed search text is read: every kind of key it can be."""

import pytest

from clinic.search_terms import search_terms


@pytest.mark.parametrize(
    ("typed", "prefixes"),
    [
        ("+7 701 234 56 78", ("+77012345678",)),
        ("8 (701) 234-56-78", ("+77012345678",)),
        ("77012345678", ("+77012345678",)),
        ("7012345678", ("+77012345678",)),
        ("8701", ("+7701",)),
        ("+7701", ("+7701",)),
        ("701 23", ("+70123", "+770123")),  # with or without the country code typed
        ("234", ()),  # too short to look up
        ("+1 555 0100", ()),  # not a Kazakhstan number
    ],
)
def test_a_phone_typed_any_way_gives_the_starts_of_a_stored_number(typed, prefixes):
    assert search_terms(typed).phone_prefixes == prefixes


def test_digits_are_the_start_of_an_iin_and_twelve_of_them_a_bin_too():
    assert search_terms("900314").iin_prefix == "900314"
    assert search_terms("900314 400123").bin == "900314400123"
    assert search_terms("900").iin_prefix == ""
    assert search_terms("+7701").iin_prefix == ""


def test_a_name_is_read_in_any_spelling_and_a_number_is_no_name():
    assert search_terms("Жұмабаева").name_key == search_terms("Zhumabayeva").name_key == "zhumabaieva"
    assert search_terms("KZ-19-2024-00012").name_key == ""
    assert search_terms("kz-19-2024").number == "KZ-19-2024"


def test_an_empty_text_is_no_search():
    assert not search_terms("   ")
    assert search_terms("  Нұрлан   Серікұлы ").text == "Нұрлан Серікұлы"
