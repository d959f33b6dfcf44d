"""Once made rows of the beat schedule. The periodic tasks are now defined in one place,
settings.PERIODIC_TASKS, and made on migrate by core.schedule; this migration stays, empty, so that the
migration history of existing databases is unchanged."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations: list = []
