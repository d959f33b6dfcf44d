"""The actions offered on a statistical return, read by its page and its admin alike (core.actions).
Who may take each is reports.statistics.rules'; the services check it again."""

from django.utils.translation import gettext_lazy

from core.actions import RecordAction
from organizations.models import User

from . import forms
from . import rules as statistics_rules
from .models import StatisticalReturn


def _enter(user: User, statistical_return: StatisticalReturn) -> None:
    """A draft is entered and submitted by its center's manager."""
    statistics_rules.ensure_can_enter(user, center_id=statistical_return.center_id)


def _review(user: User, statistical_return: StatisticalReturn) -> None:
    """A submitted return is approved or returned by the federation."""
    statistics_rules.ensure_can_review(user)


def _draft(statistical_return: StatisticalReturn) -> bool:
    return statistical_return.state == StatisticalReturn.State.DRAFT


def _submitted(statistical_return: StatisticalReturn) -> bool:
    return statistical_return.state == StatisticalReturn.State.SUBMITTED


RETURN_ACTIONS: dict[str, RecordAction] = {
    "submit": RecordAction(
        forms.StatisticalReturnSubmitForm,
        gettext_lazy("Submit to the federation"),
        _enter,
        done=gettext_lazy("Return submitted: the federation will check it."),
        available=_draft,
    ),
    "approve": RecordAction(
        forms.StatisticalReturnApproveForm,
        gettext_lazy("Approve"),
        _review,
        done=gettext_lazy("Return approved: it is locked now."),
        available=_submitted,
    ),
    "return": RecordAction(
        forms.StatisticalReturnToDraftForm,
        gettext_lazy("Return to draft"),
        _review,
        done=gettext_lazy("Return sent back to the center for corrections."),
        available=_submitted,
        secondary=True,
    ),
}
