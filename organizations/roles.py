"""What each role may do in the Django admin, as model permissions on one group per role, and who may
give which role to whom.

The business rules (who may decide which case) live in clinic.rules; these permissions only open
the admin screens. Groups are (re)built by the seed_reference command, never by hand.
"""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import RepresentativeOffice, Role, TerritorialCenter, User

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
MERGE = "merge"  # clinic.merge_person: two records of one person merged (clinic.rules)
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
    "clinic.limitationrule",
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


ROLE_PERMISSIONS: dict[Role, dict[str, tuple[str, ...]]] = {
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


# Merging two records of one person: the center's managers and the administrators.
ROLE_PERMISSIONS[Role.MANAGER]["clinic.person"] = (*WRITE, MERGE)
ROLE_PERMISSIONS[Role.ADMINISTRATOR]["clinic.person"] = (*ALL, MERGE)


# Organization statistics. Managers enter their center's return; federation analysts read (they
# approve through the services, not a model permission, so their group stays view-only);
# administrators enter branch unions' returns and request the annual report.
STATISTICS_MODELS = ("reports.statisticalreturn", "reports.statisticalreport")
ROLE_PERMISSIONS[Role.MANAGER]["reports.statisticalreturn"] = WRITE
ROLE_PERMISSIONS[Role.ANALYST].update(_grant(STATISTICS_MODELS, READ))
ROLE_PERMISSIONS[Role.ADMINISTRATOR].update(_grant(STATISTICS_MODELS, WRITE))


# Staff accounts. The center's roles, lowest first: a center's administrator manages the accounts of
# their own center with roles up to their own (RANKS[: own + 1]). Federation analysts belong to no
# center and are not in it: federation-wide accounts, superusers and moves between centers are a
# federation administrator's (a superuser's) alone.
CENTER_ROLE_RANKS = (Role.RECEPTION, Role.LAWYER, Role.MANAGER, Role.ADMINISTRATOR)


def roles_up_to(role: str) -> tuple[Role, ...]:
    """The roles a center's staff member of `role` may give: their own and those below it."""
    if role not in CENTER_ROLE_RANKS:
        return ()
    return CENTER_ROLE_RANKS[: CENTER_ROLE_RANKS.index(role) + 1]


def ensure_can_manage_staff(
    by: User,
    *,
    staff: User | None,
    role: str,
    center: TerritorialCenter | None,
    office: RepresentativeOffice | None,
    is_superuser: bool,
) -> None:
    """Refuse an account `by` may not create (`staff` None) or change into the one described: errors by
    field for what was chosen, PermissionDenied for an account that is not theirs to manage."""
    errors = {}
    if office is not None and (center is None or office.center_id != center.pk):
        errors["office"] = _("Choose an office of the staff member's center.")
    if by.is_superuser:
        if errors:
            raise ValidationError(errors)
        return
    own = by.center_id
    if own is None or by.role not in CENTER_ROLE_RANKS:
        raise PermissionDenied(_("Only a federation administrator manages the accounts of federation staff."))
    if staff is not None and (
        staff.is_superuser or staff.center_id != own or staff.role not in roles_up_to(by.role)
    ):
        raise PermissionDenied(_("This account is managed by a federation administrator."))
    if center is None:
        errors["center"] = _(
            "Only a federation administrator creates federation-wide accounts: choose your center."
        )
    elif center.pk != own:
        errors["center"] = _(
            "You manage the staff of your own center; a federation administrator moves staff between centers."
        )
    allowed = roles_up_to(by.role)
    if role not in allowed:
        errors["role"] = _("You may give the roles up to your own: %(roles)s.") % {
            "roles": ", ".join(str(Role(allowed_role).label) for allowed_role in allowed)
        }
    if is_superuser:
        errors["is_superuser"] = _("Only a federation administrator grants every permission.")
    if errors:
        raise ValidationError(errors)


# Letter templates (clinic.services.letters): the federation's and each center's own, kept by managers and
# administrators (clinic.rules says whose), read by the lawyers who write the letters and by the
# federation's analysts.
ROLE_PERMISSIONS[Role.LAWYER]["clinic.lettertemplate"] = READ
ROLE_PERMISSIONS[Role.MANAGER]["clinic.lettertemplate"] = WRITE
ROLE_PERMISSIONS[Role.ANALYST]["clinic.lettertemplate"] = READ
ROLE_PERMISSIONS[Role.ADMINISTRATOR]["clinic.lettertemplate"] = WRITE
# The outbox of messages to applicants: read by every center role and the federation; a manager sends a
# failed message again through the service (clinic.rules), not through a model permission.
for _role in (Role.RECEPTION, Role.LAWYER, Role.MANAGER, Role.ANALYST, Role.ADMINISTRATOR):
    ROLE_PERMISSIONS[_role]["clinic.outgoingmessage"] = READ
