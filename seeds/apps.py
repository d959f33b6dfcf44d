from django.apps import AppConfig


class SeedsConfig(AppConfig):
    """The reference data and the demo: commands that load them, above every runtime app."""

    name = "seeds"
    verbose_name = "Seeds"
