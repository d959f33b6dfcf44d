"""Where each role lands: the one place that maps a role to its first page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from .http import AuthenticatedHttpRequest
from .models import Role

# A role's first page after signing in (and the brand link's target): change a line here to move it.
ROLE_HOMES: dict[str, str] = {
    Role.RECEPTION: "clinic:reception",
    Role.LAWYER: "clinic:case_list",  # "my cases"
    Role.MANAGER: "dashboard",  # the center's figures, cases to assign, reports
    Role.ANALYST: "federation",  # every center side by side, read-only
    Role.ADMINISTRATOR: "admin:index",
}


@never_cache
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send the user to the first page of their role."""
    return redirect(ROLE_HOMES.get(request.user.role, "clinic:case_list"))
