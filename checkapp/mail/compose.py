"""An email's words in the recipient's language, and the message that carries them."""
from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import partial

from flask import current_app
from flask_babel import force_locale

from .. import glossary
from ..models import OutgoingEmail
from ..urls import external_url
from .kinds import KINDS
from .optout import unsubscribe_token


def render(email: OutgoingEmail, context: dict, base_url: str) -> tuple[str, str, str, str]:
    """(subject, plain text, HTML, unsubscribe URL) of a logged email, in its locale."""
    kind = KINDS[email.kind]
    link = partial(external_url, base_url)
    unsubscribe = link("mail.unsubscribe", token=unsubscribe_token(email.to, email.kind))
    context = dict(context)
    urls = {name: link(endpoint, **values) for name, (endpoint, values) in context.pop("links", {}).items()}
    with force_locale(email.locale):
        values = {**context, **urls, "link": link, "unsubscribe_url": unsubscribe, "kind_label": str(kind.label),
                  "recipient": email.to, "locale": email.locale, "glossary": glossary}
        # One line; no-break spaces (French typography) stay.
        subject = " ".join(line.strip() for line in _render(kind.template("subject.txt"), values).splitlines()
                           if line.strip())
        text = _render(kind.template("body.txt"), values)
        html = _render(kind.template("body.html"), values)
    return subject, text, html, unsubscribe


def _render(name: str, values: dict) -> str:
    # Straight from the environment: the pages' context processors may look at a request, and a
    # background job has none. gettext and the date filters are the environment's own.
    return current_app.jinja_env.get_template(name).render(values)


def build_message(email: OutgoingEmail, subject: str, text: str, html: str, unsubscribe_url: str) -> EmailMessage:
    sender = current_app.config["MAIL_FROM"]
    _name, sender_address = parseaddr(sender)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(addr_spec=email.to)
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(f"checkapp.{email.id}", domain=sender_address.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    # One-click unsubscribe (RFC 8058): mail apps show their own button for it.
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message["Content-Language"] = email.locale  # after the parts: setting content drops Content-* headers
    return message
