"""Every write to the clinic's records, by subject. Keyword-only, atomic, checked against the role
rules, attributed in the audit trail. Views, serializers, admin, commands and tasks all call these
(as `services.person_create`); each subject's module holds its own rules."""

from core.versioning import VersionConflict

from .applications import (
    APPLICATION_EDITABLE,
    application_assign,
    application_change_status,
    application_decide,
    application_extend_deadline,
    application_register,
    application_reopen,
    application_update,
    due_date,
    note_add,
    online_due_date,
)
from .disputes import (
    DISPUTE_EDITABLE,
    dispute_move_stage,
    dispute_register,
    dispute_register_claim,
    dispute_resolve,
    dispute_update,
    prevented_dispute_record,
)
from .documents import ACCEPTED_FILES, accepted_content_type, document_attach
from .events import (
    EVENT_EDITABLE,
    calendar_feed_renew,
    event_create,
    event_delete,
    event_record_outcome,
    event_update,
)
from .imports import import_confirm, import_create, import_run
from .letters import LETTER_TEMPLATE_EDITABLE, letter_template_check, letter_template_save, letter_write
from .limitation import dispute_deadlines_recompute, dispute_deadlines_set, limitation_rule_save
from .messages import message_resend, queue_applicant_messages
from .online import application_publish_answer, online_submission_create
from .personal_data import person_anonymise_on_request, person_data_export
from .persons import PERSON_EDITABLE, person_create, person_update, persons_merge
from .retention import retention_plan, retention_run
from .visits import VISIT_EDITABLE, visit_answer_on_spot, visit_open_case, visit_register, visit_update

__all__ = [
    "VersionConflict",
    "ACCEPTED_FILES",
    "APPLICATION_EDITABLE",
    "DISPUTE_EDITABLE",
    "LETTER_TEMPLATE_EDITABLE",
    "PERSON_EDITABLE",
    "VISIT_EDITABLE",
    "EVENT_EDITABLE",
    "calendar_feed_renew",
    "event_create",
    "event_delete",
    "event_record_outcome",
    "event_update",
    "accepted_content_type",
    "application_assign",
    "application_change_status",
    "application_decide",
    "application_extend_deadline",
    "application_publish_answer",
    "application_register",
    "application_reopen",
    "application_update",
    "dispute_move_stage",
    "dispute_deadlines_recompute",
    "dispute_deadlines_set",
    "dispute_register",
    "dispute_register_claim",
    "dispute_resolve",
    "dispute_update",
    "document_attach",
    "due_date",
    "import_confirm",
    "import_create",
    "import_run",
    "letter_template_check",
    "letter_template_save",
    "letter_write",
    "limitation_rule_save",
    "message_resend",
    "note_add",
    "online_due_date",
    "online_submission_create",
    "person_anonymise_on_request",
    "person_create",
    "person_data_export",
    "person_update",
    "persons_merge",
    "prevented_dispute_record",
    "retention_plan",
    "retention_run",
    "queue_applicant_messages",
    "visit_answer_on_spot",
    "visit_open_case",
    "visit_register",
    "visit_update",
]
