"""The demo data reproduces the federation's published figures (DOMAIN.md) for the Almaty Region
center in 2021, through the yearly report a real worker builds on Redis."""

from datetime import date

import pytest
from django.core.management import call_command

from organizations.models import TerritorialCenter
from reports.models import Report
from reports.periods import PeriodKind
from reports.services import report_request
from seeds.clinic import FIGURES_CENTER, demo_cases_create
from seeds.organizations import demo_organizations_create, demo_staff_create
from tests.celery_worker import WAIT_SECONDS, wait_until

pytestmark = pytest.mark.slow


@pytest.mark.django_db(transaction=True)
def test_almaty_region_2021_yearly_report_has_the_published_figures(redis_worker):
    # given the demo data (limited to two centers to keep the test quick; the generator is the same)
    call_command("seed_reference", verbosity=0)
    demo_organizations_create()
    staff = demo_staff_create()
    demo_cases_create(staff=staff, center_codes=[FIGURES_CENTER, "SHY"])
    almaty_region = TerritorialCenter.objects.get(code=FIGURES_CENTER)

    # when the manager asks for the 2021 yearly report
    report = report_request(
        center=almaty_region, period_kind=PeriodKind.YEAR, period_start=date(2021, 1, 1), by=staff["manager"]
    )

    # then a worker builds it, with the figures of DOMAIN.md
    def finished() -> bool:
        report.refresh_from_db()
        return report.state in (Report.State.DONE, Report.State.FAILED)

    assert wait_until(finished), f"still {report.state} after {WAIT_SECONDS} s"
    assert report.state == Report.State.DONE, report.error
    by_service = report.figures["by_service"]
    assert by_service["legal_clinic"]["received"] == 133
    assert by_service["legal_clinic"]["positive"] == 119
    assert by_service["public_reception"]["received"] == 235
    assert by_service["prevention_center"]["received"] == 37
    assert by_service["prevention_center"]["satisfied"] == 32
    assert report.figures["prevented"]["organizations"] == 4
