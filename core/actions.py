"""Actions offered on one record (a case, a visit, a dispute, a statistical return): each a form that
runs a service. A record's kind keeps one catalogue of its actions, read by its web page and its admin
alike, so both offer the same actions to the same people in the same states; the services check the
rules again when the form is sent."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise

from .forms import ActionForm

Rule = Callable[..., None]  # raises PermissionDenied when the user may not


def allowed(rule: Rule, *args: Any, **kwargs: Any) -> bool:
    """Whether a rule of a permission catalogue lets this pass (the rules raise PermissionDenied)."""
    try:
        rule(*args, **kwargs)
    except PermissionDenied:
        return False
    return True


def _always(record: Any) -> bool:
    return True


def _no_initial(record: Any) -> dict:
    return {}


@dataclass(frozen=True)
class RecordAction:
    """One action on a record: its form, its title, who may take it (a rule called with the user and
    the record, raising PermissionDenied), the message once done, and in which states of the record
    it makes sense."""

    form_class: type[ActionForm]
    title: str | Promise
    rule: Callable[[Any, Any], None]
    done: str | Promise | None = None  # the message once done; None: "Done: <title>."
    available: Callable[[Any], bool] = _always
    initial: Callable[[Any], dict] = _no_initial
    multipart: bool = False  # the form uploads a file
    secondary: bool = False  # shown as a secondary button (a step back, not forward)
    # Where the page goes once done, from what the service returned (a written letter: its download);
    # None: back to the record.
    follow: Callable[[Any], str] | None = None


@dataclass
class OfferedAction:
    slug: str
    action: RecordAction
    form: ActionForm


def may_take(action: RecordAction, user: Any, record: Any) -> bool:
    return action.available(record) and allowed(action.rule, user, record)


def offered_actions(
    catalogue: Mapping[str, RecordAction], user: Any, record: Any
) -> dict[str, OfferedAction]:
    """The actions this user may take on the record as it is now, each with its blank form. Several
    forms share a page and field names ("reason", "lawyer"): each gets its own element ids."""
    return {
        slug: OfferedAction(
            slug,
            action,
            action.form_class(target=record, initial=action.initial(record), auto_id=f"{slug}-%s"),
        )
        for slug, action in catalogue.items()
        if may_take(action, user, record)
    }
