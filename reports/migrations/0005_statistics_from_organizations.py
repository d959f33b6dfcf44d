"""The organization statistics, moved from the organizations app with their tables (organizations
0005): the models enter this app's state only; content types (and so permissions and the audit
trail) are relabelled."""

import django.core.serializers.json
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MODELS = ("statisticalreturn", "statisticalreport")


def relabel_content_types(apps, schema_editor, *, source="organizations", target="reports"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=target, model__in=MODELS).delete()  # none unless made by hand
    ContentType.objects.filter(app_label=source, model__in=MODELS).update(app_label=target)


def restore_content_types(apps, schema_editor):
    relabel_content_types(apps, schema_editor, source="reports", target="organizations")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('organizations', '0005_statistics_to_reports'),
        ('reports', '0004_snapshot_help_texts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='StatisticalReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('state', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=8, verbose_name='state')),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                        ('figures', models.JSONField(blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name='figures')),
                        ('requested_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='requested at')),
                        ('data_as_of', models.DateTimeField(blank=True, help_text='The moment up to which the data counts.', null=True, verbose_name='data as of')),
                        ('built_at', models.DateTimeField(blank=True, null=True, verbose_name='built at')),
                        ('task_id', models.CharField(blank=True, max_length=64, verbose_name='task id')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='build attempts')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('year', models.PositiveSmallIntegerField(unique=True, validators=[django.core.validators.MinValueValidator(2000)], verbose_name='year')),
                        ('requested_by', models.ForeignKey(blank=True, help_text='Empty: requested by the schedule or a command.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                    ],
                    options={
                        'verbose_name': 'annual statistical report',
                        'verbose_name_plural': 'annual statistical reports',
                        'ordering': ['-year'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('state', 'done'), _negated=True), models.Q(('built_at__isnull', False), ('data_as_of__isnull', False)), _connector='OR'), name='done_statistical_report_has_build_time')],
                    },
                ),
                migrations.CreateModel(
                    name='StatisticalReturn',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000)], verbose_name='year')),
                        ('state', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('approved', 'Approved')], default='draft', max_length=10, verbose_name='state')),
                        ('members', models.PositiveIntegerField(default=0, verbose_name='union members')),
                        ('employed', models.PositiveIntegerField(default=0, help_text='Employed in the territory (for a branch union: in the branch).', verbose_name='employed')),
                        ('primary_organizations', models.PositiveIntegerField(default=0, verbose_name='primary organizations')),
                        ('new_primary_organizations', models.PositiveIntegerField(default=0, verbose_name='new primary organizations')),
                        ('new_organization_members', models.PositiveIntegerField(default=0, verbose_name='members of the new organizations')),
                        ('large_enterprises', models.PositiveIntegerField(default=0, verbose_name='large enterprises')),
                        ('medium_enterprises', models.PositiveIntegerField(default=0, verbose_name='medium enterprises')),
                        ('small_enterprises', models.PositiveIntegerField(default=0, verbose_name='small enterprises')),
                        ('collective_agreements', models.PositiveIntegerField(default=0, verbose_name='collective agreements in force')),
                        ('agreements_concluded', models.PositiveIntegerField(default=0, verbose_name='of them concluded in the year')),
                        ('employees_covered', models.PositiveIntegerField(default=0, verbose_name='employees covered by agreements')),
                        ('members_covered', models.PositiveIntegerField(default=0, verbose_name='of them union members')),
                        ('labor_protection_councils', models.PositiveIntegerField(default=0, verbose_name='labor-protection councils')),
                        ('technical_inspectors', models.PositiveIntegerField(default=0, verbose_name='technical labor inspectors')),
                        ('workplace_accidents', models.PositiveIntegerField(default=0, verbose_name='workplace accidents')),
                        ('vision_zero_enterprises', models.PositiveIntegerField(default=0, verbose_name='enterprises in Vision Zero')),
                        ('submitted_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='submitted at')),
                        ('approved_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='approved at')),
                        ('returned_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='returned to draft at')),
                        ('return_reason', models.TextField(blank=True, editable=False, verbose_name='why it was returned')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('approved_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by')),
                        ('branch_union', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='statistical_returns', to='organizations.branchunion', verbose_name='branch union')),
                        ('center', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='statistical_returns', to='organizations.territorialcenter', verbose_name='territorial center')),
                        ('returned_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='returned by')),
                        ('submitted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
                    ],
                    options={
                        'verbose_name': 'statistical return',
                        'verbose_name_plural': 'statistical returns',
                        'ordering': ['-year', 'center__iso_code', 'branch_union__code'],
                        'indexes': [models.Index(fields=['year', 'state'], name='reports_sta_year_52839d_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('branch_union__isnull', True), ('center__isnull', False)), models.Q(('branch_union__isnull', False), ('center__isnull', True)), _connector='OR'), name='statistical_return_has_one_scope', violation_error_message="A return is a center's or a branch union's, exactly one of them."), models.UniqueConstraint(condition=models.Q(('center__isnull', False)), fields=('center', 'year'), name='one_statistical_return_per_center_and_year', violation_error_message='This center already has a return for this year.'), models.UniqueConstraint(condition=models.Q(('branch_union__isnull', False)), fields=('branch_union', 'year'), name='one_statistical_return_per_branch_union_and_year', violation_error_message='This branch union already has a return for this year.'), models.CheckConstraint(condition=models.Q(models.Q(('state', 'approved'), _negated=True), ('approved_at__isnull', False), _connector='OR'), name='approved_statistical_return_has_approval_time')],
                    },
                ),
            ],
        ),
        migrations.RunPython(relabel_content_types, restore_content_types),
    ]
