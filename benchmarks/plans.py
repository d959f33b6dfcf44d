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
    assert manager is not None, "generate_dataset first"
    person = Person.objects.filter(center=manager.center).exclude(iin="").order_by("pk")[:1].get()
    case = Application.objects.filter(center=manager.center).order_by("pk")[1000]
    center_cases = Application.objects.visible_to(manager)
    all_cases = Application.objects.all()  # what visible_to gives federation-level staff
    in_progress, registered = Status.IN_PROGRESS, Status.REGISTERED

    def middle(queryset, *fields):
        """The values of the row halfway down a list: a cursor as deep as it gets."""
        return list(
            queryset.order_by(*fields).values_list(*[f.lstrip("-") for f in fields])[queryset.count() // 2]
        )

    center_due = Keyset(center_cases.order_by("due_on", "pk"))
    federation_newest = Keyset(all_cases.order_by("-received_on", "-sequence", "-pk"))
    federation_status_due = Keyset(all_cases.filter(status=registered).order_by("due_on", "pk"))
    visits = Keyset(Visit.objects.visible_to(manager).order_by("-visited_at", "-pk"))
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
        "list_center_due_deep_cursor": center_due.rows_after(middle(center_cases, "due_on", "pk"))[:51],
        "list_federation_newest_deep_cursor": federation_newest.rows_after(
            middle(all_cases, "-received_on", "-sequence", "-pk")
        )[:51],
        "list_federation_status_due_deep_cursor": federation_status_due.rows_after(
            middle(all_cases.filter(status=registered), "due_on", "pk")
        )[:51],
        "list_center_visits_deep_cursor": visits.rows_after(
            middle(Visit.objects.visible_to(manager), "-visited_at", "-pk")
        )[:51],
    }
    for name, queryset in queries.items():
        plan = queryset.explain(analyze=True, buffers=True)
        (OUT / f"{name}.txt").write_text(f"{queryset.query}\n\n{plan}\n")
        time = [line for line in plan.splitlines() if "Execution Time" in line]
        print(f"{name}: {time[0].strip() if time else ''}")


if __name__ == "__main__":
    main()
