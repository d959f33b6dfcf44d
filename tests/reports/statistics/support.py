"""What the statistics tests share."""

YEAR = 2021
# Almaty Region's published 2021 figures (DOMAIN.md): consistent, so every check passes.
FIGURES = {
    "members": 100_812,
    "employed": 324_155,
    "primary_organizations": 932,
    "new_primary_organizations": 82,
    "new_organization_members": 7_394,
    "large_enterprises": 125,
    "medium_enterprises": 535,
    "small_enterprises": 24_469,
    "collective_agreements": 17_087,
    "agreements_concluded": 5_912,
    "employees_covered": 231_480,
    "members_covered": 88_917,
    "labor_protection_councils": 610,
    "technical_inspectors": 932,
    "workplace_accidents": 26,
    "vision_zero_enterprises": 52,
}
