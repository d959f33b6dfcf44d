from django.apps import AppConfig
from django.conf import settings
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _

from . import workdays


def _configure_calendar(*, setting: str = "CLINIC_CALENDAR_OVERRIDES", **kwargs) -> None:
    # The one place that hands the override file to the Django-free calendar; again when a test
    # overrides the setting.
    if setting == "CLINIC_CALENDAR_OVERRIDES":
        workdays.configure(overrides=getattr(settings, "CLINIC_CALENDAR_OVERRIDES", None))


class ClinicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "clinic"
    verbose_name = _("Clinic")

    def ready(self) -> None:
        from core.metrics import register_scrape_collector

        from . import audit  # noqa: F401  (registers the audited models)
        from .metrics import outbox_backlog

        register_scrape_collector("clinic.outbox", outbox_backlog)

        _configure_calendar()
        setting_changed.connect(_configure_calendar, dispatch_uid="clinic.calendar_overrides")
