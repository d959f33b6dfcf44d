"""Deterministic demo organizations and staff: every center gets employers and primary
organizations; Almaty Region gets one demo user per role."""

import random
from datetime import date

from django.db import transaction

from .identifiers import make_bin
from .models import BranchUnion, Employer, PrimaryOrganization, Role, TerritorialCenter, User
from .services import staff_create

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
