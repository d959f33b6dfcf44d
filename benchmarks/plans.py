"""EXPLAIN ANALYZE of the search's and the lists' main queries on the data in the database (see
benchmarks/README.md for generate_dataset), written to benchmarks/results/plans/<name>.txt.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/plans.py
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"

import django  # noqa: E402

django.setup()

from clinic.models import Application, Person, Status, Visit  # noqa: E402
from clinic.selectors import search_querysets  # noqa: E402
from core.api.common import Keyset  # noqa: E402
from organizations.models import Role, User  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "plans"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    manager = User.objects.filter(role=Role.MANAGER, center__isnull=False).order_by("pk").first()
    analyst = User.objects.filter(role=Role.ANALYST).order_by("pk").first() or manager
    person = Person.objects.filter(center=manager.center).exclude(iin="").order_by("pk")[:1].get()
    case = Application.objects.filter(center=manager.center).order_by("pk")[1000]
    center_cases = Application.objects.visible_to(manager)
    all_cases = Application.objects.visible_to(analyst)
    last = list(center_cases.order_by("due_on", "pk"))[-3]
    in_progress, registered = Status.IN_PROGRESS, Status.REGISTERED
    visits = Keyset(Visit.objects.visible_to(analyst).order_by("-visited_at", "-pk"))
    oldest_visit = Visit.objects.order_by("visited_at", "pk").values_list("visited_at", "pk")[:1].get()
    queries = {
        "search_cases_by_name": search_querysets(manager, person.full_name.split()[0])["cases"][:11],
        "search_cases_by_iin_prefix": search_querysets(manager, person.iin[:8])["cases"][:11],
        "search_cases_by_phone": search_querysets(manager, "8" + person.phone[2:9])["cases"][:11],
        "search_cases_by_number": search_querysets(manager, case.registration_number)["cases"][:11],
        "search_persons_by_name": search_querysets(manager, person.full_name)["persons"][:11],
        "search_notes": search_querysets(manager, "inspection")["notes"][:11],
        "search_cases_by_employer": search_querysets(manager, "Enterprise 0007")["cases"][:11],
        "list_center_newest": center_cases.order_by("-received_on", "-sequence", "-pk")[:51],
        "list_center_due": center_cases.order_by("due_on", "pk")[:51],
        "list_center_status_due": center_cases.filter(status=in_progress).order_by("due_on", "pk")[:51],
        "list_center_status_newest": center_cases.filter(status=Status.DECIDED).order_by(
            "-received_on", "-sequence", "-pk"
        )[:51],
        "list_federation_newest": all_cases.order_by("-received_on", "-sequence", "-pk")[:51],
        "list_federation_due": all_cases.order_by("due_on", "pk")[:51],
        "list_federation_status_due": all_cases.filter(status=registered).order_by("due_on", "pk")[:51],
        "list_federation_status_newest": all_cases.filter(status=Status.CLOSED).order_by(
            "-received_on", "-sequence", "-pk"
        )[:51],
        "list_center_due_deep_cursor": Keyset(center_cases.order_by("due_on", "pk")).rows_after(
            [last.due_on, last.pk]
        )[:51],
        "list_federation_newest_deep_cursor": Keyset(
            all_cases.order_by("-received_on", "-sequence", "-pk")
        ).rows_after([last.received_on, last.sequence, last.pk])[:51],
        "list_visits_deep_cursor": visits.rows_after(list(oldest_visit))[:51],
    }
    for name, queryset in queries.items():
        plan = queryset.explain(analyze=True, buffers=True)
        (OUT / f"{name}.txt").write_text(f"{queryset.query}\n\n{plan}\n")
        time = [line for line in plan.splitlines() if "Execution Time" in line]
        print(f"{name}: {time[0].strip() if time else ''}")


if __name__ == "__main__":
    main()
