from django.db import migrations

from core.migration_operations import PostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0011_person_search_indexes"),
    ]

    operations = [
        # A registration number typed from its start ("ALA-2021-000"): LIKE 'prefix%' in any collation.
        PostgreSQLOnly(
            "CREATE INDEX clinic_application_number_prefix "
            "ON clinic_application (registration_number varchar_pattern_ops)",
            "DROP INDEX clinic_application_number_prefix",
        ),
    ]
