from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from clinic.names import name_key
from core.migration_operations import PostgreSQLOnly


def name_keys_fill(apps, schema_editor):
    Person = apps.get_model("clinic", "Person")
    people = list(Person.objects.only("pk", "full_name"))
    for person in people:
        person.name_key = name_key(person.full_name)
    Person.objects.bulk_update(people, ["name_key"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0006_list_filter_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="name_key",
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.RunPython(name_keys_fill, migrations.RunPython.noop, elidable=True),
        TrigramExtension(),
        # Similar and partly typed names, found through the index (clinic.querysets).
        PostgreSQLOnly(
            "CREATE INDEX clinic_person_name_key_trgm ON clinic_person USING gin (name_key gin_trgm_ops)",
            "DROP INDEX clinic_person_name_key_trgm",
        ),
    ]
