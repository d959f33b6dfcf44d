"""The actions offered on a case, a visit and a labor dispute: one catalogue per kind of record, read
by its web page and its admin alike (core.actions). Who may take each is clinic.rules'; the services
check it again when the form is sent."""

from django.urls import reverse
from django.utils import timezone
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
    "letter": RecordAction(
        forms.LetterForm,
        gettext_lazy("Write a letter from a template"),
        _work,
        done=gettext_lazy("Letter written and saved among the case's documents."),
        # The letter is downloaded at once; the case page lists it among the documents.
        follow=lambda document: reverse("clinic:document_download", args=[document.pk]),
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
    "event": RecordAction(
        forms.EventForm,
        gettext_lazy("Schedule a hearing or a meeting"),
        _work,
        done=gettext_lazy("Event added to the calendar."),
        initial=lambda case: {"lawyer": case.lawyer_id},
    ),
    "event-outcome": RecordAction(
        forms.EventOutcomeForm,
        gettext_lazy("Record the outcome of a hearing or a meeting"),
        _work,
        done=gettext_lazy("Outcome of the event recorded."),
        available=lambda case: forms.awaiting_outcome(case).exists(),
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


def _unresolved(dispute: LaborDispute) -> bool:
    return not dispute.result


DISPUTE_ACTIONS: dict[str, RecordAction] = {
    "claim": RecordAction(
        forms.DisputeClaimForm,
        gettext_lazy("Record the claim's registration"),
        _handle_disputes,
        done=gettext_lazy("Claim registration recorded: the commission's decision is now awaited."),
        available=_unresolved,
        initial=lambda dispute: {"registered_on": dispute.claim_registered_on or timezone.localdate()},
    ),
    "stage": RecordAction(
        forms.DisputeStageForm,
        gettext_lazy("Move to another stage"),
        _handle_disputes,
        done=gettext_lazy("Stage changed."),
        available=_unresolved,
        initial=lambda dispute: {"stage": dispute.stage},
    ),
    "resolve": RecordAction(
        forms.DisputeResolveForm,
        gettext_lazy("Record the result"),
        _handle_disputes,
        done=gettext_lazy("Result recorded: the dispute is resolved."),
        available=_unresolved,
        initial=lambda dispute: {"resolved_on": timezone.localdate()},
    ),
    # The same forms as the case's: the dispute's page lists its events with clinic/includes/events.html.
    "event": RecordAction(
        forms.EventForm,
        gettext_lazy("Schedule a hearing or a meeting"),
        _handle_disputes,
        done=gettext_lazy("Event added to the calendar."),
        available=_unresolved,
        initial=lambda dispute: {"lawyer": dispute.lawyer_id},
    ),
    "event-outcome": RecordAction(
        forms.EventOutcomeForm,
        gettext_lazy("Record the outcome of a hearing or a meeting"),
        _handle_disputes,
        done=gettext_lazy("Outcome of the event recorded."),
        available=lambda dispute: forms.awaiting_outcome(dispute).exists(),
    ),
}


def _merge(user: User, person: Person) -> None:
    rules.ensure_can_merge_persons(user, person.center_id)


def _correct(user: User, person: Person) -> None:
    rules.ensure_can_register(user, person.center)


def _on_request(user: User, person: Person) -> None:
    rules.ensure_can_manage(user, person.center_id)


def _kept(person: Person) -> bool:
    return person.merged_into_id is None and person.anonymised_at is None


PERSON_ACTIONS: dict[str, RecordAction] = {
    "correct": RecordAction(
        forms.CorrectPersonForm,
        gettext_lazy("Correct the details"),
        _correct,
        done=gettext_lazy("Details corrected."),
        available=_kept,
        initial=lambda person: {
            "full_name": person.full_name,
            "iin": person.iin,
            "phone": person.phone,
            "email": person.email,
        },
    ),
    "merge": RecordAction(
        forms.MergePersonForm,
        gettext_lazy("Merge a duplicate into this record"),
        _merge,
        done=gettext_lazy("Records merged: the duplicate's visits and cases are now this person's."),
        available=_kept,
    ),
    "anonymise": RecordAction(
        forms.AnonymisePersonForm,
        gettext_lazy("Anonymise at the person's request"),
        _on_request,
        done=gettext_lazy("The person's data was anonymised; the destruction is on record."),
        available=_kept,
        secondary=True,
    ),
}
