"""What every staff page shares."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


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
