"""Mail sent after the response: a queue and one worker thread per web app (MAP-7).

A buyer's change must not wait for the SMTP server: the request only queues the notice
(after its transaction committed) and answers; the worker builds the messages and sends
what has queued up over one SMTP connection. A mail failure is logged, never raised into
a request. `close()` (on app shutdown) sends what is still queued before returning.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass

from dealplan.config import Settings
from dealplan.errors import DealplanError
from dealplan.notify.mail import configured, message, send

log = logging.getLogger("dealplan.notify")


@dataclass(frozen=True)
class Notice:
    """One plain-text mail to send."""

    to: str
    subject: str
    body: str


_STOP = object()


class Outbox:
    """Queue notices; a daemon thread (started on the first notice) sends them in batches."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._queue: queue.Queue[object] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()
        self.sent = 0

    def post(self, notice: Notice) -> None:
        """Queue `notice` for sending; does nothing when no SMTP host is configured."""
        if not configured(self.settings):
            return
        self._queue.put(notice)
        if self._worker is None:
            with self._lock:
                if self._worker is None:
                    self._worker = threading.Thread(
                        target=self._run, name="dealplan-outbox", daemon=True
                    )
                    self._worker.start()

    def close(self, timeout: float = 30.0) -> None:
        """Send what is queued, then stop the worker (waits at most `timeout` seconds)."""
        worker = self._worker
        if worker is None:
            return
        self._queue.put(_STOP)
        worker.join(timeout)
        self._worker = None

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            notices = [n for n in batch if isinstance(n, Notice)]
            if notices:
                self._send(notices)
            if any(n is _STOP for n in batch):
                return

    def _send(self, notices: list[Notice]) -> None:
        msgs = [
            message(settings=self.settings, to=n.to, subject=n.subject, body=n.body)
            for n in notices
        ]
        try:
            self.sent += send(msgs, settings=self.settings)
        except DealplanError as exc:
            log.warning("%d mail(s) not sent: %s", len(msgs), exc)
