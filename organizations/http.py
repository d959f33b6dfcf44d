"""The request type of pages and endpoints behind sign-in."""

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request past login_required (or an authenticated API permission): its user is a staff member.

    Only for annotations: Django still builds a plain HttpRequest, this class just narrows `user`.
    """

    user: User
