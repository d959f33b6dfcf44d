"""Signing in and out, the password, and each role's home page."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import account_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The second factor and the account's security page (organizations.two_factor).
    path("accounts/two-factor/", account_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", account_views.two_factor_enrol, name="two_factor_enrol"),
    path("account/security/", account_views.account_security, name="account_security"),
    path("account/security/sessions/<int:pk>/revoke/", account_views.session_revoke, name="session_revoke"),
    path(
        "account/security/sessions/revoke-others/",
        account_views.sessions_revoke_others,
        name="sessions_revoke_others",
    ),
    path("account/security/token/revoke/", account_views.token_revoke, name="token_revoke"),
    path(
        "account/security/recovery-codes/",
        account_views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path(
        "account/security/authenticator/remove/",
        account_views.authenticator_remove,
        name="authenticator_remove",
    ),
]
