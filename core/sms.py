"""Text messages (SMS) through one small interface: `send(phone, text)` returns the provider's id of the
message. The backend is a setting (SMS_BACKEND), like Django's EMAIL_BACKEND: the console for the demo,
a file for inspection, the HTTP gateway in production, an in-memory one in the tests."""

import json
import logging
import sys
import threading
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway refused the message or could not be reached: sending again may succeed."""


class BaseSmsBackend:
    def send(self, phone: str, text: str) -> str:
        """Send `text` to `phone` (+7XXXXXXXXXX); return the provider's id of the message."""
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes each message to standard output (the demo), as Django's console e-mail backend does."""

    def send(self, phone: str, text: str) -> str:
        message_id = f"console-{uuid.uuid4().hex}"
        sys.stdout.write(f"SMS to {phone} ({message_id}):\n{text}\n{'-' * 40}\n")
        sys.stdout.flush()
        return message_id


class FileSmsBackend(BaseSmsBackend):
    """Appends each message as a JSON line to SMS_FILE_PATH."""

    def send(self, phone: str, text: str) -> str:
        message_id = f"file-{uuid.uuid4().hex}"
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = {"id": message_id, "phone": phone, "text": text, "at": timezone.now().isoformat()}
        with path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(line, ensure_ascii=False) + "\n")
        return message_id


class HttpSmsBackend(BaseSmsBackend):
    """POSTs {"phone", "text"} as JSON to SMS_GATEWAY_URL with `Authorization: Bearer SMS_GATEWAY_TOKEN`;
    the gateway answers 2xx with {"id": "..."}. Anything else is an SmsError (retried by the task)."""

    def send(self, phone: str, text: str) -> str:
        request = urllib.request.Request(
            settings.SMS_GATEWAY_URL,
            data=json.dumps({"phone": phone, "text": text}).encode(),
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise SmsError(f"The SMS gateway answered {error.code}") from error
        except (OSError, ValueError) as error:  # unreachable, timed out, not JSON
            raise SmsError(f"The SMS gateway could not be reached: {error}") from error
        message_id = answer.get("id") if isinstance(answer, dict) else None
        if not message_id:
            raise SmsError("The SMS gateway gave no message id")
        return str(message_id)


class MemorySmsBackend(BaseSmsBackend):
    """Keeps the messages in `MemorySmsBackend.outbox` (the tests, like django.core.mail.outbox);
    `fail_with` set to an exception makes every send raise it."""

    outbox: ClassVar[list[dict[str, str]]] = []
    fail_with: ClassVar[Exception | None] = None
    _lock = threading.Lock()

    def send(self, phone: str, text: str) -> str:
        if MemorySmsBackend.fail_with is not None:
            raise MemorySmsBackend.fail_with
        with self._lock:
            message_id = f"memory-{len(MemorySmsBackend.outbox) + 1}"
            MemorySmsBackend.outbox.append({"id": message_id, "phone": phone, "text": text})
        return message_id


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, text: str) -> str:
    """Send one SMS through the configured backend; its id at the provider."""
    return get_backend().send(phone, text)
