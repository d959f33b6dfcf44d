"""Deterministic demo organizations and staff: every center gets employers and primary
organizations; Almaty Region gets one demo user per role."""

import random
from collections.abc import Sequence
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from organizations.identifiers import make_bin
from organizations.models import BranchUnion, Employer, PrimaryOrganization, Role, TerritorialCenter, User
from organizations.services import staff_create
from reports.statistics.models import RETURN_FIGURES, StatisticalReport, StatisticalReturn
from reports.statistics.rules import check_figures
from reports.statistics.services import statistical_report_request

DEMO_PASSWORD = "demo-clinic-2021"
DEMO_CENTER = "ALR"
# username -> (role, center code or None for the federation)
DEMO_USERS = {
    "admin": (Role.ADMINISTRATOR, None),
    "analyst": (Role.ANALYST, None),
    "manager": (Role.MANAGER, DEMO_CENTER),
    "lawyer": (Role.LAWYER, DEMO_CENTER),
    "lawyer2": (Role.LAWYER, DEMO_CENTER),
    "reception": (Role.RECEPTION, DEMO_CENTER),
}
EMPLOYER_STEMS = (
    "Kazakh Steel",
    "Steppe Energy",
    "Caspian Oil Service",
    "Zhetysu Agro",
    "Altyn Grain",
    "Saryarka Coal",
    "Ertis Power",
    "Tulpar Rail Service",
    "Nur Construction",
    "Dala Medical",
    "Aksu Ferroalloys",
    "Baiterek Logistics",
    "Kok-Tobe Textiles",
    "Alatau Dairy",
    "Ile Transport",
    "Samal Telecom",
)
EMPLOYERS_PER_CENTER = 12


@transaction.atomic
def demo_organizations_create() -> int:
    """Employers and primary organizations for every center; returns how many employers exist."""
    branch_unions = list(BranchUnion.objects.order_by("code"))
    for center_index, center in enumerate(TerritorialCenter.objects.order_by("iso_code")):
        rng = random.Random(center.iso_code)
        for index in range(EMPLOYERS_PER_CENTER):
            size = (
                Employer.Size.LARGE
                if index < 2
                else Employer.Size.MEDIUM
                if index < 6
                else Employer.Size.SMALL
            )
            employer, _ = Employer.objects.get_or_create(
                bin=make_bin(date(2000 + index, 1 + center_index % 12, 1), serial=center_index * 100 + index),
                defaults={
                    "name": f"{EMPLOYER_STEMS[(center_index + index) % len(EMPLOYER_STEMS)]} "
                    f"{center.code}-{index + 1:02d} LLP",
                    "size": size,
                    "center": center,
                },
            )
            PrimaryOrganization.objects.get_or_create(
                employer=employer,
                defaults={
                    "name": f"Primary trade union organization of {employer.name}",
                    "center": center,
                    "branch_union": branch_unions[(center_index + index) % len(branch_unions)],
                    "member_count": rng.randint(40, 2500),
                    "has_collective_agreement": rng.random() < 0.7,
                },
            )
    return Employer.objects.count()


@transaction.atomic
def demo_staff_create() -> dict[str, User]:
    """One user per role (passwords: DEMO_PASSWORD); existing users are left as they are."""
    users = {}
    for username, (role, center_code) in DEMO_USERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            center = TerritorialCenter.objects.get(code=center_code) if center_code else None
            user = staff_create(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                center=center,
                first_name=username.capitalize(),
                last_name="Demo",
                email=f"{username}@clinic.example",
            )
        users[username] = user
    return users


# Organization statistics: approved returns for 2020 and 2021 of every center and branch union, and
# drafts of the current year for a few centers.
#
# The published figures (DOMAIN.md) are reproduced exactly: Almaty Region's 2021 return, and the
# federation's 2021 figures, which are sums (reports.statistics.queries): new primary
# organizations, their members and membership over the centers' returns; collective agreements,
# those concluded, employees covered and union members among them over the branch unions' returns
# (the federation's 16,112 agreements cannot be a sum of centers when Almaty alone has 17,087).
# Every other figure is plausible and random from fixed seeds; the free parts of the totals are
# shared out among the other centers (or the branch unions) so that the sums come out exact.

STATISTICS_YEARS = (2020, 2021)
DRAFT_CENTERS = ("ALR", "AST", "SHY")
ALMATY_2021 = {
    "members": 100_812,  # "over 100,000 members"
    "employed": 324_155,  # 100,812 / 324,155 = 31.1% of the employed
    "primary_organizations": 932,
    "new_primary_organizations": 82,
    "new_organization_members": 7_394,
    "large_enterprises": 125,
    "medium_enterprises": 535,
    "small_enterprises": 24_469,  # 25,129 private enterprises in all
    "collective_agreements": 17_087,  # 68.0% of 25,129: the "68% coverage"
    "agreements_concluded": 5_912,
    "employees_covered": 231_480,
    "members_covered": 88_917,
    "labor_protection_councils": 610,
    "technical_inspectors": 932,
    "workplace_accidents": 26,
    "vision_zero_enterprises": 52,
}
ALMATY_2020 = {"members": 101_390, "new_primary_organizations": 74, "new_organization_members": 6_512}
# The federation in 2021 (sums of the centers' returns): 676 new primary organizations with 56,664
# members; membership down 10,382 against 2020, which is 0.6% of 2020's 1,730,000.
FEDERATION_2021 = {"members": 1_719_618, "new_primary_organizations": 676, "new_organization_members": 56_664}
FEDERATION_2020_MEMBERS = 1_730_000
GROWING_CENTERS = {"AST": 420, "SHY": 260}  # members gained in 2021; every other center lost some
# The federation's collective agreements in 2021 (sums of the branch unions' returns).
FEDERATION_AGREEMENTS_2021 = {
    "collective_agreements": 16_112,
    "agreements_concluded": 6_466,
    "employees_covered": 1_461_827,
    "members_covered": 1_363_237,
}


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Whole parts of `total` in proportion to `weights`, summing to it exactly (largest remainders)."""
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    parts = [int(share) for share in shares]
    by_remainder = sorted(range(len(parts)), key=lambda index: (parts[index] - shares[index], index))
    for index in by_remainder[: total - sum(parts)]:
        parts[index] += 1
    return parts


def _territory(rng: random.Random, members: int, new_organizations: int, new_members: int) -> dict[str, int]:
    """A center's plausible figures around its membership and new organizations."""
    primary = round(members / rng.uniform(85, 140))
    employed = round(members / rng.uniform(0.24, 0.38))
    figures = {
        "members": members,
        "employed": employed,
        "primary_organizations": primary,
        "new_primary_organizations": new_organizations,
        "new_organization_members": new_members,
        "large_enterprises": rng.randint(40, 220),
        "medium_enterprises": rng.randint(250, 900),
        "small_enterprises": rng.randint(9_000, 38_000),
        "labor_protection_councils": round(primary * rng.uniform(0.5, 0.75)),
        "technical_inspectors": round(primary * rng.uniform(0.85, 1.0)),
        "workplace_accidents": rng.randint(8, 70),
        "vision_zero_enterprises": rng.randint(15, 90),
    }
    enterprises = figures["large_enterprises"] + figures["medium_enterprises"] + figures["small_enterprises"]
    agreements = round(enterprises * rng.uniform(0.55, 0.75))
    covered = round(employed * rng.uniform(0.5, 0.75))
    return figures | {
        "collective_agreements": agreements,
        "agreements_concluded": round(agreements * rng.uniform(0.25, 0.4)),
        "employees_covered": covered,
        "members_covered": round(min(members, covered) * rng.uniform(0.8, 0.92)),
    }


def _center_figures(centers: list[TerritorialCenter]) -> dict[tuple[str, int], dict[str, int]]:
    """(center code, year) -> figures, for 2020 and 2021."""
    others = [center for center in centers if center.code != DEMO_CENTER]
    rngs = {center.code: random.Random(f"statistics-{center.iso_code}") for center in others}
    weights = [rngs[center.code].uniform(0.5, 1.6) for center in others]
    members_2021 = _apportion(FEDERATION_2021["members"] - ALMATY_2021["members"], weights)
    new_2021 = _apportion(
        FEDERATION_2021["new_primary_organizations"] - ALMATY_2021["new_primary_organizations"],
        [
            weight * rngs[center.code].uniform(0.7, 1.3)
            for weight, center in zip(weights, others, strict=True)
        ],
    )
    new_members_2021 = _apportion(
        FEDERATION_2021["new_organization_members"] - ALMATY_2021["new_organization_members"], new_2021
    )
    # What the other centers lost in all: the federation's fall less Almaty's, plus what two gained.
    lost = (
        FEDERATION_2020_MEMBERS
        - FEDERATION_2021["members"]
        - (ALMATY_2020["members"] - ALMATY_2021["members"])
    )
    shrinking = [center for center in others if center.code not in GROWING_CENTERS]
    losses = dict(
        zip(
            [center.code for center in shrinking],
            _apportion(
                lost + sum(GROWING_CENTERS.values()),
                [rngs[center.code].uniform(0.2, 1.5) for center in shrinking],
            ),
            strict=True,
        )
    )
    figures = {(DEMO_CENTER, 2021): dict(ALMATY_2021)}
    figures[(DEMO_CENTER, 2020)] = _territory(
        random.Random("statistics-ALR-2020"),
        ALMATY_2020["members"],
        ALMATY_2020["new_primary_organizations"],
        ALMATY_2020["new_organization_members"],
    )
    for center, members, new, new_members in zip(
        others, members_2021, new_2021, new_members_2021, strict=True
    ):
        rng = rngs[center.code]
        figures[(center.code, 2021)] = _territory(rng, members, new, new_members)
        if center.code in GROWING_CENTERS:
            members_2020 = members - GROWING_CENTERS[center.code]
        else:
            members_2020 = members + losses[center.code]
        new_2020 = rng.randint(15, 60)
        figures[(center.code, 2020)] = _territory(
            rng, members_2020, new_2020, new_2020 * rng.randint(60, 110)
        )
    return figures


def _branch_union_figures(branch_unions: list[BranchUnion]) -> dict[tuple[str, int], dict[str, int]]:
    """(branch union code, year) -> figures, for 2020 and 2021."""
    rngs = {union.code: random.Random(f"statistics-{union.code}") for union in branch_unions}
    weights = [rngs[union.code].uniform(0.3, 2.0) for union in branch_unions]
    parts = {
        figure: _apportion(
            total,
            [
                weight * rngs[union.code].uniform(0.97, 1.03)
                for weight, union in zip(weights, branch_unions, strict=True)
            ],
        )
        for figure, total in FEDERATION_AGREEMENTS_2021.items()
    }
    figures = {}
    for index, union in enumerate(branch_unions):
        rng = rngs[union.code]
        for year in STATISTICS_YEARS:
            # 2021 is the published sum; 2020 a little different, the shares kept.
            factor = 1.0 if year == 2021 else rng.uniform(0.96, 1.04)
            agreements = round(parts["collective_agreements"][index] * factor)
            covered = round(parts["employees_covered"][index] * factor)
            members_covered = round(parts["members_covered"][index] * factor)
            members = round(members_covered / rng.uniform(0.82, 0.95))
            primary = round(members / rng.uniform(150, 400))
            new = rng.randint(5, 60)
            figures[(union.code, year)] = {
                "members": members,
                "employed": round(covered / rng.uniform(0.55, 0.8)),
                "primary_organizations": primary,
                "new_primary_organizations": new,
                "new_organization_members": new * rng.randint(40, 120),
                "large_enterprises": rng.randint(10, 120),
                "medium_enterprises": rng.randint(50, 600),
                "small_enterprises": agreements + rng.randint(200, 3_000),
                "collective_agreements": agreements,
                "agreements_concluded": (
                    parts["agreements_concluded"][index]
                    if year == 2021
                    else round(agreements * rng.uniform(0.3, 0.45))
                ),
                "employees_covered": covered,
                "members_covered": members_covered,
                "labor_protection_councils": round(primary * rng.uniform(0.5, 0.75)),
                "technical_inspectors": round(primary * rng.uniform(0.85, 1.0)),
                "workplace_accidents": rng.randint(0, 40),
                "vision_zero_enterprises": rng.randint(5, 60),
            }
    return figures


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _demo_return(
    scope: dict, year: int, figures: dict[str, int], state: str, users: dict
) -> StatisticalReturn:
    statistical_return = StatisticalReturn(year=year, state=state, **scope, **figures)
    if state == StatisticalReturn.State.APPROVED:
        statistical_return.submitted_at = _moment(date(year + 1, 2, 1))
        statistical_return.approved_at = _moment(date(year + 1, 2, 15))
        statistical_return.approved_by = users.get("analyst")
        if scope.get("center") is not None and scope["center"].code == DEMO_CENTER:
            statistical_return.submitted_by = users.get("manager")
    # The demo's figures pass the same checks as a manager's.
    statistical_return.full_clean(validate_unique=False, validate_constraints=False)
    check_figures(statistical_return, complete=state != StatisticalReturn.State.DRAFT)
    return statistical_return


@transaction.atomic
def demo_statistics_create() -> int:
    """Approved returns for 2020 and 2021 of every center and branch union (DOMAIN.md's figures for
    Almaty Region and the federation in 2021) and drafts of this year for a few centers; existing
    returns are left as they are. Returns how many returns exist."""
    centers = list(TerritorialCenter.objects.order_by("iso_code"))
    branch_unions = list(BranchUnion.objects.order_by("code"))
    users = {user.username: user for user in User.objects.filter(username__in=("analyst", "manager"))}
    existing = set(StatisticalReturn.objects.values_list("center_id", "branch_union_id", "year"))
    approved = StatisticalReturn.State.APPROVED
    # (scope: the center or the branch union, year, figures, state) of every return the demo wants
    planned: list[tuple[dict[str, TerritorialCenter | BranchUnion], int, dict[str, int], str]] = []
    center_figures = _center_figures(centers)
    for (code, year), figures in center_figures.items():
        center = next(center for center in centers if center.code == code)
        planned.append(({"center": center}, year, figures, approved))
    for (code, year), figures in _branch_union_figures(branch_unions).items():
        union = next(union for union in branch_unions if union.code == code)
        planned.append(({"branch_union": union}, year, figures, approved))
    this_year = timezone.localdate().year
    if this_year not in STATISTICS_YEARS:
        for center in centers:
            if center.code in DRAFT_CENTERS:
                # Half-filled: the membership so far, the rest still to come.
                rng = random.Random(f"statistics-{center.code}-{this_year}")
                last = center_figures[(center.code, 2021)]
                draft = {figure: 0 for figure in RETURN_FIGURES} | {
                    "members": round(last["members"] * rng.uniform(0.97, 1.02)),
                    "employed": round(last["employed"] * rng.uniform(0.99, 1.03)),
                    "primary_organizations": last["primary_organizations"] + rng.randint(-10, 25),
                }
                planned.append(({"center": center}, this_year, draft, StatisticalReturn.State.DRAFT))
    new_returns = []
    for scope, year, figures, state in planned:
        key = (getattr(scope.get("center"), "pk", None), getattr(scope.get("branch_union"), "pk", None), year)
        if key not in existing:
            new_returns.append(_demo_return(scope, year, figures, state, users))
    # Bulk-inserted, as the demo cases are: the demo is not an audit trail.
    StatisticalReturn.objects.bulk_create(new_returns)
    return StatisticalReturn.objects.count()


def demo_statistical_reports_request() -> list[StatisticalReport]:
    """The federation's annual statistical report of each demo year that is not built yet (built
    in-process without a broker, queued to the workers with one)."""
    built = set(
        StatisticalReport.objects.filter(
            year__in=STATISTICS_YEARS, state=StatisticalReport.State.DONE
        ).values_list("year", flat=True)
    )
    return [statistical_report_request(year=year, by=None) for year in STATISTICS_YEARS if year not in built]
