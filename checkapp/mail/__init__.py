"""Outgoing email: `send_mail(kind, to, locale, **context)` logs it and delivers it in the background.

Each kind (checkapp/mail/kinds.py) has its templates under templates/mail/<kind>/; every message
has a plain-text and an HTML part, in the recipient's language, with absolute links and a link
that turns that kind of email off for that address. See README: Email and background jobs.
"""
from .outbox import latest_by_ref, send_mail

__all__ = ["latest_by_ref", "send_mail"]
