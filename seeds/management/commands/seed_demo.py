from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from reports.services import scheduled_reports_request
from seeds.clinic import demo_cases_create, demo_online_create
from seeds.organizations import (
    DEMO_PASSWORD,
    demo_organizations_create,
    demo_staff_create,
    demo_statistical_reports_request,
    demo_statistics_create,
)


class Command(BaseCommand):
    help = (
        "Load reference data, demo organizations, staff, cases, statistics and the scheduled reports. "
        "Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        call_command("seed_reference", verbosity=0)
        employers = demo_organizations_create()
        users = demo_staff_create()
        applications = demo_cases_create(staff=users)
        self.stdout.write(f"Employers: {employers}, applications: {applications}")
        for code, phone in demo_online_create(staff=users):
            self.stdout.write(f"Online question sent from /online/: tracking code {code}, phone {phone}")
        self.stdout.write(f"Statistical returns: {demo_statistics_create()}")
        self.stdout.write(f"Annual statistical reports requested: {len(demo_statistical_reports_request())}")
        # What the schedule does each day: last month's, quarter's and year's reports for every center
        # and the federation (built in-process without a broker, queued to the workers with one).
        reports = scheduled_reports_request(today=timezone.localdate())
        self.stdout.write(f"Reports requested: {len(reports)}")
        self.stdout.write(self.style.SUCCESS(f"Demo users (password for all: {DEMO_PASSWORD}):"))
        for username, user in users.items():
            place = user.center.name_en if user.center else "Federation"
            self.stdout.write(f"  {username:<10} {user.get_role_display():<20} {place}")
