"""The limitation clock kept on each dispute: computed by the services that save it, from the rules
in force (data: editing a rule recomputes the unresolved disputes), switching from the last day to file
to the commission's decision when the claim is registered, and stopping once resolved or in court."""

from datetime import date, timedelta
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from clinic import services
from clinic.models import LaborDispute, LimitationRule
from organizations.models import Role
from tests.clinic.limitation_rules import seed_limitation_rules
from tests.factories import EmployerFactory, StaffFactory

pytestmark = pytest.mark.django_db
Stage, Result = LaborDispute.Stage, LaborDispute.Result

DISMISSED = date(2025, 2, 21)  # + 1 month: Nauryz 21-25 March 2025, so 26 March
FILE_BY = date(2025, 3, 26)


@pytest.fixture
def rules(calendar_overrides):
    calendar_overrides()  # python-holidays as released
    return seed_limitation_rules()


@pytest.fixture
def employer(center):
    return EmployerFactory(center=center)


@pytest.fixture
def reinstatement(rules, lawyer, employer):
    return services.dispute_register(
        by=lawyer,
        employer=employer,
        subject="Reinstatement after dismissal",
        is_reinstatement=True,
        disputed_act_on=DISMISSED,
        opened_on=date(2025, 3, 1),
        lawyer=lawyer,
    )


def test_registering_a_dispute_stores_its_last_day_to_file(reinstatement):
    reinstatement.refresh_from_db()
    assert (reinstatement.filing_due_on, reinstatement.decision_due_on) == (FILE_BY, None)
    assert reinstatement.next_deadline_on == FILE_BY
    assert reinstatement.next_deadline_kind == "filing"


def test_the_claims_registration_starts_the_commissions_15_working_days(reinstatement, lawyer):
    # when: registered on Monday 16 March 2026 ... a dispute of 2026
    services.dispute_update(dispute=reinstatement, by=lawyer, disputed_act_on=date(2026, 3, 2))
    dispute = services.dispute_register_claim(
        dispute=reinstatement, by=lawyer, registered_on=date(2026, 3, 16)
    )
    # then: Nauryz (21-25 March) skipped
    dispute.refresh_from_db()
    assert (dispute.filing_due_on, dispute.decision_due_on) == (date(2026, 4, 2), date(2026, 4, 9))
    assert (dispute.stage, dispute.next_deadline_on, dispute.next_deadline_kind) == (
        Stage.CONCILIATION,
        date(2026, 4, 9),
        "decision",
    )
    # in court, the commission's decision is no longer waited for
    dispute = services.dispute_move_stage(dispute=dispute, by=lawyer, stage=Stage.COURT)
    assert dispute.next_deadline_on is None
    assert dispute.decision_due_on == date(2026, 4, 9)


def test_a_resolved_dispute_waits_for_nothing(reinstatement, lawyer):
    dispute = services.dispute_resolve(
        dispute=reinstatement, by=lawyer, result=Result.IN_FAVOR, resolved_on=date(2025, 3, 20)
    )
    assert (dispute.filing_due_on, dispute.next_deadline_on) == (FILE_BY, None)


def test_correcting_the_facts_recomputes_the_dates(reinstatement, lawyer):
    dispute = services.dispute_update(dispute=reinstatement, by=lawyer, is_reinstatement=False)
    assert dispute.filing_due_on == date(2026, 2, 23)  # one year: 21 February 2026 is a Saturday
    dispute = services.dispute_update(dispute=dispute, by=lawyer, disputed_act_on=None)
    assert (dispute.filing_due_on, dispute.next_deadline_on) == (None, None)


@pytest.mark.parametrize(
    ("registered_on", "message"),
    [
        (DISMISSED - timedelta(days=1), "before the disputed act"),
        (timezone.localdate() + timedelta(days=1), "in the future"),
    ],
)
def test_an_impossible_registration_date_is_refused(reinstatement, lawyer, registered_on, message):
    with pytest.raises(ValidationError) as excinfo:
        services.dispute_register_claim(dispute=reinstatement, by=lawyer, registered_on=registered_on)
    assert message in excinfo.value.message_dict["registered_on"][0]


def test_a_disputed_act_in_the_future_is_refused(rules, lawyer, employer):
    with pytest.raises(ValidationError) as excinfo:
        services.dispute_register(
            by=lawyer,
            employer=employer,
            subject="Wages",
            disputed_act_on=timezone.localdate() + timedelta(days=1),
        )
    assert "disputed_act_on" in excinfo.value.message_dict


def test_editing_a_rule_recomputes_the_unresolved_disputes_only(
    reinstatement, rules, lawyer, employer, administrator
):
    # given: a second reinstatement dispute, resolved
    resolved = services.dispute_register(
        by=lawyer, employer=employer, subject="Dismissal", is_reinstatement=True, disputed_act_on=DISMISSED
    )
    resolved = services.dispute_resolve(dispute=resolved, by=lawyer, result=Result.NOT_IN_FAVOR)
    version = reinstatement.version
    # when: the period becomes two months
    rule = rules["reinstatement"]
    rule.period_amount = 2
    services.limitation_rule_save(rule=rule, by=administrator)
    # then: 21 April 2025
    reinstatement.refresh_from_db()
    resolved.refresh_from_db()
    assert (reinstatement.filing_due_on, reinstatement.next_deadline_on) == (
        date(2025, 4, 21),
        date(2025, 4, 21),
    )
    assert reinstatement.version == version + 1
    assert resolved.filing_due_on == FILE_BY
    entry = LogEntry.objects.get_for_object(reinstatement).order_by("-pk").first()
    assert entry.actor is None
    assert "filing_due_on" in entry.changes_dict
    # and a rule switched off gives no date at all
    rule.is_active = False
    services.limitation_rule_save(rule=rule, by=administrator)
    reinstatement.refresh_from_db()
    assert reinstatement.filing_due_on is None


def test_only_the_federations_administrators_change_the_rules(rules, manager, analyst):
    for user in (manager, analyst):
        with pytest.raises(PermissionDenied):
            services.limitation_rule_save(rule=rules["reinstatement"], by=user)


def test_a_rule_edited_in_the_admin_recomputes_the_disputes(reinstatement, rules, client, administrator):
    client.force_login(administrator)
    rule = rules["reinstatement"]
    form = {
        field: getattr(rule, field)
        for field in (
            "code",
            "name_en",
            "name_ru",
            "name_kk",
            "sort_order",
            "period_amount",
            "period_unit",
            "counted_from",
            "applies_to",
            "legal_basis",
        )
    }
    response = client.post(
        f"/admin/clinic/limitationrule/{rule.pk}/change/",
        {**form, "is_active": "on", "period_unit": LimitationRule.Unit.CALENDAR_DAYS, "period_amount": 10},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    reinstatement.refresh_from_db()
    assert reinstatement.filing_due_on == date(2025, 3, 3)  # 3 March 2025, a Monday


def test_seed_reference_recomputes_the_disputes(reinstatement, rules):
    LaborDispute.objects.filter(pk=reinstatement.pk).update(filing_due_on=None, next_deadline_on=None)
    call_command("seed_reference", verbosity=0)
    reinstatement.refresh_from_db()
    assert reinstatement.filing_due_on == FILE_BY


@pytest.fixture
def administrator():
    return StaffFactory(role=Role.ADMINISTRATOR, center=None, is_superuser=True)


def test_recompute_due_dates_moves_a_last_day_a_new_decree_makes_a_day_off(
    rules, lawyer, employer, calendar_overrides
):
    # given: a last day to file on Thursday 3 July 2025, under the calendar as released
    dispute = services.dispute_register(
        by=lawyer,
        employer=employer,
        subject="Dismissal",
        is_reinstatement=True,
        disputed_act_on=date(2025, 6, 3),
    )
    assert dispute.filing_due_on == date(2025, 7, 3)
    # when: a decree makes it a day off
    calendar_overrides("2025-07-03,no,Government decree on the transfer of days off")
    dry = StringIO()
    call_command("recompute_due_dates", "--dry-run", stdout=dry)
    dispute.refresh_from_db()
    assert dispute.filing_due_on == date(2025, 7, 3)
    assert f"labor dispute {dispute.pk}" in dry.getvalue()
    out = StringIO()
    call_command("recompute_due_dates", stdout=out)
    # then
    dispute.refresh_from_db()
    assert (dispute.filing_due_on, dispute.next_deadline_on) == (date(2025, 7, 4), date(2025, 7, 4))
    assert "2025-07-03, - -> 2025-07-04, -" in out.getvalue()
    assert "Limitation dates of unresolved labor disputes changed: 1." in out.getvalue()
