"""The audit trail: every create, change and delete of the clinic's records, with old and new values.

django-auditlog writes a LogEntry on each save of a registered model (core.audit.audit_model); services
name the actor with core.audit.acting_as.
"""

from core.audit import audit_model

from .models import (
    Application,
    CalendarFeed,
    DeadlineExtension,
    Document,
    Event,
    ImportJob,
    LaborDispute,
    LetterTemplate,
    Note,
    OnlineAttachment,
    OnlineSubmission,
    Person,
    PreventedDispute,
    Visit,
)
from .personal_data import PERSONAL_FIELDS

NOT_AUDITED = ["updated_at", "version"]
# The trail is read by more people than the records (federation staff read every center's): it tells
# that an IIN, phone or e-mail changed, masked as clinic.personal_data masks them for everyone.
PERSONAL = {"mask_fields": list(PERSONAL_FIELDS), "mask_callable": "clinic.personal_data.mask_in_audit_trail"}

# The name key is the full name spelt for comparison (clinic.names): nothing of its own to audit.
audit_model(Person, exclude_fields=[*NOT_AUDITED, "name_key"], **PERSONAL)
audit_model(Visit, exclude_fields=NOT_AUDITED, m2m_fields={"topics"})
audit_model(Application, exclude_fields=NOT_AUDITED)
audit_model(LaborDispute, exclude_fields=NOT_AUDITED, m2m_fields={"applications"})
audit_model(PreventedDispute)
audit_model(Note)
audit_model(Document, exclude_fields=["file", "token"])
audit_model(DeadlineExtension)
# The tracking code's hash stays out of the trail: the trail is read by more people than the table.
audit_model(OnlineSubmission, exclude_fields=["tracking_hash"], **PERSONAL)
audit_model(OnlineAttachment, exclude_fields=["file", "token"])
# The template's file is kept in its row: the trail says it changed (file name, placeholders), not its bytes.
audit_model(LetterTemplate, exclude_fields=["content", "updated_at"])

# Events; a calendar feed's creation and renewal (who revoked which URL, when), never its secret token.
audit_model(Event, exclude_fields=NOT_AUDITED)
audit_model(ImportJob, exclude_fields=["file", "token", "rows_done", "refused_rows"])


def hidden(value: str) -> str:
    """A secret shown as stars in full: even a part of the feed's token would help to guess it."""
    return "*" * 8


audit_model(CalendarFeed, mask_fields=["token"], mask_callable="clinic.audit.hidden")
