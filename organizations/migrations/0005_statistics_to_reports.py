"""The organization statistics move to the reports app: their tables are renamed here, and the
reports app takes over the models in its state (reports 0005), rows, ids and permissions unchanged."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0004_staff_manager'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable("statisticalreturn", "reports_statisticalreturn"),
                migrations.AlterModelTable("statisticalreport", "reports_statisticalreport"),
            ],
            state_operations=[
                migrations.RemoveField(
                    model_name='statisticalreturn',
                    name='approved_by',
                ),
                migrations.RemoveField(
                    model_name='statisticalreturn',
                    name='branch_union',
                ),
                migrations.RemoveField(
                    model_name='statisticalreturn',
                    name='center',
                ),
                migrations.RemoveField(
                    model_name='statisticalreturn',
                    name='returned_by',
                ),
                migrations.RemoveField(
                    model_name='statisticalreturn',
                    name='submitted_by',
                ),
                migrations.DeleteModel(
                    name='StatisticalReport',
                ),
                migrations.DeleteModel(
                    name='StatisticalReturn',
                ),
            ],
        ),
    ]
