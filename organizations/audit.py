"""The audit trail of staff security: an authenticator set up (confirmed) or removed, recovery codes
made again (organizations.two_factor writes that entry), a session ended, an API token revoked. Secrets
(the authenticator's key, the session key, the token) stay out of the trail."""

from auditlog.registry import auditlog
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import audit_model

from .models import StaffSession

# Every code checked moves the device's counters: only what people do is recorded.
DEVICE_COUNTERS = ["key", "last_t", "drift", "throttling_failure_timestamp", "throttling_failure_count"]
USAGE = ["last_used_at", "created_at"]

audit_model(TOTPDevice, exclude_fields=[*DEVICE_COUNTERS, *USAGE])
audit_model(StaticDevice, exclude_fields=[*DEVICE_COUNTERS, *USAGE])
auditlog.register(StaffSession, include_fields=["user"])
# Not the API token's own rows: their name is the token itself. two_factor.token_revoke writes the
# revocation on the staff member's record instead.
