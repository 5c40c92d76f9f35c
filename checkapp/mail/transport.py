"""Getting a built message out: SMTP when CHECKAPP_SMTP_URL is set, else an .eml file. No Flask.

    smtp://user:password@host:587    STARTTLS (required, except to a relay on this machine)
    smtps://user:password@host:465   TLS from the first byte
"""
from __future__ import annotations

import ipaddress
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

TIMEOUT = 30


class MailConfigError(ValueError):
    """CHECKAPP_SMTP_URL cannot be used."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: bool  # smtps: TLS from the start
    username: str | None
    password: str | None

    @property
    def local(self) -> bool:
        """A relay on this machine may speak plain SMTP (nothing crosses a network)."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def smtp_settings(url: str) -> SmtpSettings:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailConfigError("CHECKAPP_SMTP_URL must look like smtp://user:password@host:587 or smtps://…")
    tls = parts.scheme == "smtps"
    return SmtpSettings(host=parts.hostname, port=parts.port or (465 if tls else 587), tls=tls,
                        username=unquote(parts.username) if parts.username else None,
                        password=unquote(parts.password) if parts.password else None)


def send_smtp(message: EmailMessage, settings: SmtpSettings) -> None:
    """Hand the message to the SMTP server; raises smtplib.SMTPException or OSError when it fails."""
    context = ssl.create_default_context()
    if settings.tls:
        client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT, context=context)
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
    with client:
        client.ehlo()
        if not settings.tls:
            if client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
            elif not settings.local:
                raise smtplib.SMTPNotSupportedError(
                    f"{settings.host} does not offer STARTTLS: refusing to send the password and the "
                    "message in clear (use smtps:// or a server that offers STARTTLS)")
        if settings.username:
            client.login(settings.username, settings.password or "")
        client.send_message(message)


def write_eml(message: EmailMessage, directory: str, name: str) -> Path:
    """Save the message as `name` in `directory`: what would have been sent, byte for byte."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(message.as_bytes())
    return path


def read_eml(directory: str, name: str) -> bytes | None:
    """The bytes of an .eml file written by `write_eml`, or None if it is not there (any more)."""
    path = _inside(directory, name)
    try:
        return path.read_bytes() if path else None
    except FileNotFoundError:
        return None


def delete_eml(directory: str, name: str) -> None:
    path = _inside(directory, name)
    if path is not None:
        path.unlink(missing_ok=True)


def _inside(directory: str, name: str) -> Path | None:
    root = Path(directory).resolve()
    path = (root / name).resolve()
    return path if path.is_relative_to(root) and path != root else None
