"""Words of Django's own catalogue that its Kazakh translation gets wrong, corrected in locale/kk: the
short day names (Django's Kazakh gives Tuesday "Сб", Saturday's usual abbreviation) and Friday
("Жұма", not "Жума"). Listed here so that makemessages keeps them in the catalogues."""

from django.utils.translation import gettext_noop

DAY_NAMES = [
    gettext_noop("Mon"),
    gettext_noop("Tue"),
    gettext_noop("Wed"),
    gettext_noop("Thu"),
    gettext_noop("Fri"),
    gettext_noop("Sat"),
    gettext_noop("Sun"),
    gettext_noop("Friday"),
]
