"""How a person's name is compared: one spelling key for Russian, Kazakh and Latin writing.

A visitor is written "Нұрлан" by one receptionist, "Нурлан" by another and "Nurlan" on a passport
copy. `name_key` brings all three to "nurlan": Cyrillic (the Kazakh letters included) is romanised
letter by letter, the Kazakh Latin alphabet's letters lose their marks, and what is not a letter
goes. Names are then compared on their keys: by trigram similarity on PostgreSQL (pg_trgm, indexed),
by a substring on SQLite, where the key being lower-case ASCII also makes the search case-insensitive
for Cyrillic (SQLite's LOWER() folds only ASCII).

Plain Python, no Django.
"""

import re
import unicodedata
from difflib import SequenceMatcher

# Cyrillic romanised letter by letter (х as h, й and ы as i, so that the Latin spellings below meet
# them); the Kazakh letters as their nearest Russian sound (ұ, ү as у; қ as к; ғ as г; ң as н;
# ә as а; ө as о; і as и; һ as х), as people type them without the Kazakh keyboard.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}  # fmt: skip

# Latin spellings brought to the romanisation above, in this order: the Kazakh Latin alphabet
# (2021) and the common English conventions ("Zhumabayeva" and "Жумабаева" meet, "Aygul" and
# "Айгуль"). Applied to the typed text before the Cyrillic is romanised, so they touch Latin only.
_LATIN = (
    ("ş", "sh"), ("ç", "ch"), ("ğ", "g"), ("q", "k"), ("ñ", "n"), ("ı", "i"), ("j", "zh"),
    ("kh", "h"), ("x", "h"), ("y", "i"), ("w", "v"),
)  # fmt: skip
# "е" after a vowel is said "ye": Токаев, Tokayev and Tokaev all become "tokaiev" (and "Tokay",
# typed so far, is a part of it); at a word's start "Yerlan" and "Erlan" stay "erlan".
_E_AFTER_VOWEL = re.compile(r"(?<=[aeou])e")
_E_AT_WORD_START = re.compile(r"\bie")

_NOT_LETTERS = re.compile(r"[^a-z]+")


def name_key(text: str) -> str:
    """The comparable spelling of a name: lower-case Latin letters, words separated by one space."""
    typed = (text or "").lower()
    for latin, common in _LATIN:
        typed = typed.replace(latin, common)
    romanised = "".join(_CYRILLIC.get(char, char) for char in typed)
    # What is left with a mark (ä, ö, ü, ū, é ...) loses it: "ä" and "a" are one letter here.
    plain = unicodedata.normalize("NFKD", romanised).encode("ascii", "ignore").decode()
    words = " ".join(_NOT_LETTERS.sub(" ", plain).split())
    return _E_AT_WORD_START.sub("e", _E_AFTER_VOWEL.sub("ie", words))


def name_similarity(typed: str, name: str) -> float:
    """How close the typed words are to the words of a name (both spelling keys), 0 to 1: each typed
    word's best match among the name's words, averaged. What SQLite compares where PostgreSQL has
    pg_trgm's word similarity."""
    typed_words, name_words = typed.split(), name.split()
    if not typed_words or not name_words:
        return 0.0
    best = [max(SequenceMatcher(None, word, other).ratio() for other in name_words) for word in typed_words]
    return sum(best) / len(best)
