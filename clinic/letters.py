"""The placeholders a letter template may use: the one catalogue, read by the validator of uploaded
templates (clinic.services.letters), the filling of a case's letter, and the admin's and the API's help.

A template writes them in Jinja2 syntax, `{{ case.registration_number }}`; every value is text, already
formatted in the letter's language (dates as «30 ноября 2026 г.» or «2026 жылғы 30 қараша»), and empty
when the case does not have it, so that `{% if employer.address %}...{% endif %}` leaves out a line.
"""

from django.utils.translation import gettext_lazy as _

PLACEHOLDERS = {
    "case.registration_number": _("Registration number of the case, e.g. ALR-2021-00001"),
    "case.received_on": _("Date the application was received"),
    "case.due_on": _("Date the answer is due"),
    "case.summary": _("Summary of the application"),
    "case.topic": _("Topic of the application"),
    "case.kind": _("Kind of the application"),
    "case.decision": _("The decision: the answer given to the applicant (empty until decided)"),
    "applicant.full_name": _("Applicant's full name"),
    "applicant.iin": _("Applicant's IIN"),
    "applicant.phone": _("Applicant's phone"),
    "applicant.email": _("Applicant's e-mail"),
    "employer.name": _("Employer's name"),
    "employer.bin": _("Employer's BIN"),
    "employer.address": _("Employer's address"),
    "center.name": _("Territorial center's name, in the letter's language"),
    "center.address": _("Territorial center's address"),
    "center.phone": _("Territorial center's phone"),
    "lawyer.full_name": _("Full name of the case's lawyer (of the author when none is assigned)"),
    "today": _("Today's date, in the letter's language"),
}
