"""The actions offered on a case, a visit and a labor dispute: one catalogue per kind of record, read
by its web page and its admin alike (core.actions). Who may take each is clinic.rules'; the services
check it again when the form is sent."""

from django.utils.translation import gettext_lazy

from core.actions import RecordAction
from organizations.models import User

from . import forms, rules
from .models import TRANSITIONS, Application, LaborDispute, Person, Status, Visit


def _work(user: User, case: Application) -> None:
    """Notes, documents, status changes and decisions: the assigned lawyer or a manager."""
    rules.ensure_can_work(user, case)


def _manage(user: User, case: Application) -> None:
    """Assignment, extensions and reopening: a manager of the case's center."""
    rules.ensure_can_manage(user, case.center_id)


def sent_online(case: Application) -> bool:
    """The case came from a question sent online (its visit has a submission; select_related'ed)."""
    return case.visit is not None and hasattr(case.visit, "online_submission")


CASE_ACTIONS: dict[str, RecordAction] = {
    "decide": RecordAction(
        forms.DecideForm,
        gettext_lazy("Record the outcome"),
        _work,
        done=gettext_lazy("Outcome recorded: the case is decided."),
        available=lambda case: Status.DECIDED in TRANSITIONS[case.status],
    ),
    "status": RecordAction(
        forms.StatusChangeForm,
        gettext_lazy("Change the status"),
        _work,
        done=gettext_lazy("Status changed."),
        available=lambda case: bool(TRANSITIONS[case.status] - {Status.DECIDED}),
    ),
    "note": RecordAction(forms.NoteForm, gettext_lazy("Add a note"), _work, done=gettext_lazy("Note added.")),
    "document": RecordAction(
        forms.DocumentForm,
        gettext_lazy("Upload a document"),
        _work,
        done=gettext_lazy("Document uploaded."),
        multipart=True,
    ),
    "assign": RecordAction(
        forms.AssignForm,
        gettext_lazy("Assign a lawyer"),
        _manage,
        done=gettext_lazy("Lawyer assigned."),
        available=lambda case: case.is_open,
        initial=lambda case: {"lawyer": case.lawyer_id},
    ),
    "extend": RecordAction(
        forms.ExtendDeadlineForm,
        gettext_lazy("Extend the deadline"),
        _manage,
        done=gettext_lazy("Deadline extended."),
        available=lambda case: case.is_open and case.kind.extendable,
    ),
    "public_answer": RecordAction(
        forms.PublicAnswerForm,
        gettext_lazy("Answer to the applicant online"),
        _work,
        done=gettext_lazy(
            "Answer saved: the applicant reads it on the tracking page once the case is decided."
        ),
        available=sent_online,
        initial=lambda case: {"public_answer": case.public_answer or case.decision},
    ),
    "reopen": RecordAction(
        forms.ReopenForm,
        gettext_lazy("Reopen the case"),
        _manage,
        done=gettext_lazy("Case reopened."),
        available=lambda case: not case.is_open,
    ),
}


def _register(user: User, visit: Visit) -> None:
    rules.ensure_can_register(user, visit.center)


def _pending(visit: Visit) -> bool:
    return visit.result == Visit.Result.PENDING


VISIT_ACTIONS: dict[str, RecordAction] = {
    "answer": RecordAction(
        forms.AnswerOnSpotForm, gettext_lazy("Answer on the spot"), _register, available=_pending
    ),
    "open-case": RecordAction(forms.OpenCaseForm, gettext_lazy("Open a case"), _register, available=_pending),
}


def _handle_disputes(user: User, dispute: LaborDispute) -> None:
    rules.ensure_can_handle_disputes(user, dispute.center_id)


DISPUTE_ACTIONS: dict[str, RecordAction] = {
    "stage": RecordAction(forms.DisputeStageForm, gettext_lazy("Move to another stage"), _handle_disputes),
    "resolve": RecordAction(forms.DisputeResolveForm, gettext_lazy("Record the result"), _handle_disputes),
}


def _merge(user: User, person: Person) -> None:
    rules.ensure_can_merge_persons(user, person.center_id)


PERSON_ACTIONS: dict[str, RecordAction] = {
    "merge": RecordAction(
        forms.MergePersonForm,
        gettext_lazy("Merge a duplicate into this record"),
        _merge,
        done=gettext_lazy("Records merged: the duplicate's visits and cases are now this person's."),
        available=lambda person: person.merged_into_id is None,
    ),
}
