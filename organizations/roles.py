"""What each role may do in the Django admin, as model permissions on one group per role.

The business rules (who may decide which case) live in clinic.rules; these permissions only open
the admin screens. Groups are (re)built by the seed_reference command, never by hand.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import Role

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
READ = (VIEW,)
WRITE = (VIEW, ADD, CHANGE)
ALL = (VIEW, ADD, CHANGE, DELETE)

ORGANIZATION_MODELS = (
    "organizations.territorialcenter",
    "organizations.representativeoffice",
    "organizations.branchunion",
    "organizations.regionalbranch",
    "organizations.employer",
    "organizations.primaryorganization",
)
REFERENCE_MODELS = (
    "clinic.service",
    "clinic.topic",
    "clinic.channel",
    "clinic.applicationkind",
    "clinic.outcome",
)
CASE_MODELS = (
    "clinic.application",
    "clinic.note",
    "clinic.document",
    "clinic.statuschange",
    "clinic.deadlineextension",
)
DISPUTE_MODELS = ("clinic.labordispute", "clinic.preventeddispute")
EVERYTHING = (
    *ORGANIZATION_MODELS,
    *REFERENCE_MODELS,
    "clinic.person",
    "clinic.visit",
    "clinic.onlinesubmission",
    *CASE_MODELS,
    *DISPUTE_MODELS,
    "auditlog.logentry",
    "reports.report",
)


def _grant(models: tuple[str, ...], actions: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {model: actions for model in models}


ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.RECEPTION: {
        **_grant(ORGANIZATION_MODELS + REFERENCE_MODELS, READ),
        **_grant(("clinic.person", "clinic.visit"), WRITE),
        **_grant(CASE_MODELS, READ),
        "clinic.application": WRITE,
    },
    Role.LAWYER: {
        **_grant(ORGANIZATION_MODELS + REFERENCE_MODELS, READ),
        **_grant(
            ("clinic.person", "clinic.visit", "clinic.application", "clinic.note", "clinic.document"), WRITE
        ),
        **_grant(("clinic.statuschange", "clinic.deadlineextension", "auditlog.logentry"), READ),
        **_grant(DISPUTE_MODELS, WRITE),
    },
    Role.MANAGER: {
        **_grant(ORGANIZATION_MODELS + REFERENCE_MODELS, READ),
        **_grant(("organizations.employer", "organizations.primaryorganization"), WRITE),
        **_grant(("clinic.person", "clinic.visit", *CASE_MODELS, *DISPUTE_MODELS), WRITE),
        "auditlog.logentry": READ,
        "reports.report": READ,
        "clinic.onlinesubmission": READ,
    },
    Role.ANALYST: _grant(EVERYTHING, READ),
    Role.ADMINISTRATOR: {**_grant(EVERYTHING, ALL), "auditlog.logentry": READ, "organizations.user": ALL},
}


@transaction.atomic
def roles_sync() -> None:
    """Create one group per role, named by the role's value, holding exactly the permissions above."""
    permissions = {
        f"{app_label}.{model}.{codename}": pk
        for pk, app_label, model, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "content_type__model", "codename"
        )
    }
    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set(
            permissions[f"{model}.{action}_{model.split('.')[1]}"]
            for model, actions in grants.items()
            for action in actions
        )


# Organization statistics. Managers enter their center's return; federation analysts read (they
# approve through the services, not a model permission, so their group stays view-only);
# administrators enter branch unions' returns and request the annual report.
STATISTICS_MODELS = ("organizations.statisticalreturn", "organizations.statisticalreport")
ROLE_PERMISSIONS[Role.MANAGER]["organizations.statisticalreturn"] = WRITE
ROLE_PERMISSIONS[Role.ANALYST].update(_grant(STATISTICS_MODELS, READ))
ROLE_PERMISSIONS[Role.ADMINISTRATOR].update(_grant(STATISTICS_MODELS, WRITE))
