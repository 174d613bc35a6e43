"""Sending mail with the standard library (smtplib, email.message) and settings.smtp_*."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from dealplan.config import Settings
from dealplan.errors import DealplanError


def configured(settings: Settings) -> bool:
    """True when an SMTP host is set; without one no mail is sent."""
    return bool(settings.smtp_host)


def message(*, settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message from settings.smtp_from to `to`."""
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    return msg


def send(messages: list[EmailMessage], *, settings: Settings) -> int:
    """Send `messages` over one SMTP connection; returns how many went (0 when unconfigured).

    Raises DealplanError naming the server when it cannot be reached or refuses the mail.
    """
    if not messages or not configured(settings):
        return 0
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            for msg in messages:
                smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise DealplanError(
            f"mail: {settings.smtp_host}:{settings.smtp_port} did not take the mail: {exc}"
        ) from None
    return len(messages)
