from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from . import audit, two_factor  # noqa: F401  (registers the audited models; the sign-in receivers)
