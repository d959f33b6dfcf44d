"""What every staff page shares."""

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from .actions import OfferedAction, RecordAction, offered_actions


def staff_page(view: Callable) -> Callable:
    """Signed-in staff only; the answer (personal data) is never kept by a browser or a proxy."""
    signed_in = login_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.headers.get("HX-Request") and not request.user.is_authenticated:
            # htmx would swap the sign-in page into a corner of this one: send the whole page there.
            page = request.headers.get("HX-Current-URL") or request.get_full_path()
            response = HttpResponse()
            response["HX-Redirect"] = redirect_to_login(page)["Location"]
            return response
        return signed_in(request, *args, **kwargs)

    return never_cache(wrapper)


def record_action_taken(
    request: HttpRequest,
    catalogue: Mapping[str, RecordAction],
    record: Any,
    slug: str,
    *,
    not_possible: str,
    back_to: str,
    page: Callable[[dict[str, OfferedAction]], HttpResponse],
) -> HttpResponse:
    """The POST of one action of a record's page (a case, a person, a statistical return): 404 for an
    unknown action, 403 with the rule's reason, back to the record (`back_to`) with `not_possible` when
    the record as it is now does not offer it, back (or to the action's `follow`) with the action's
    message once the service took it, or `page` again with the offered actions and the refused form's
    errors."""
    spec = catalogue.get(slug)
    if spec is None:
        raise Http404
    spec.rule(request.user, record)  # PermissionDenied, saying why
    offered = offered_actions(catalogue, request.user, record)
    if slug not in offered:
        messages.warning(request, not_possible % spec.title)
        return redirect(back_to)
    form = spec.form_class(request.POST, request.FILES, target=record, auto_id=offered[slug].form.auto_id)
    result = form.perform(by=cast(AbstractBaseUser, request.user))  # a staff_page: signed in
    if result is not None:
        messages.success(request, str(spec.done or spec.title))
        return redirect(spec.follow(result) if spec.follow else back_to)
    offered[slug].form = form
    return page(offered)
