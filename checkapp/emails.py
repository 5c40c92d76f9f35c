"""Parse a brand's confirmation email (.eml or pasted source) and check it against the promise.

Standard library only. Bad input always surfaces as EmailRejected, whose message is a msgid.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

from .messages import N_, UserError

MSG_EMPTY = N_("The email is empty. Upload the .eml file or paste the full source of the message.")
MSG_TOO_LARGE = N_(
    "This email is larger than %(max_mb)s MB. Forward it to yourself without attachments, "
    "save it as .eml and try again."
)
MSG_NOT_EMAIL = N_(
    "This does not look like an email. Save the message as .eml (or copy its full source) "
    "and try again."
)

# The largest email accepted, uploaded or received by the run inbox.
MAX_EMAIL_BYTES = 2 * 1024 * 1024
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")
_IDENTIFYING_HEADERS = ("From", "Date", "Subject")
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}>»\u2019"
_BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "footer", "h1", "h2", "h3", "h4",
     "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "th",
     "thead", "tr", "ul"]
)
_SKIPPED_TAGS = frozenset({"style", "script", "title", "template", "noscript"})
_TYPOGRAPHIC = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


class EmailRejected(UserError, ValueError):
    """Not an email we can read: `code` says why (400)."""

    def __init__(self, code: str, message: str, params: dict | None = None) -> None:
        self.code = code
        super().__init__(message, params)


@dataclass(frozen=True)
class ParsedEmail:
    sender: str
    subject: str
    sent_at: datetime | None
    received_at: datetime | None
    links: tuple[str, ...]
    text: str


def parse_email(raw: bytes | str, *, max_bytes: int = MAX_EMAIL_BYTES) -> ParsedEmail:
    data = _to_bytes(raw, max_bytes)
    _reject_if_not_email(data)
    try:
        message = BytesParser(policy=policy.default).parsebytes(data.replace(b"\r\n", b"\n"))
        if not any(message.get(name) is not None for name in _IDENTIFYING_HEADERS):
            raise EmailRejected("not_email", MSG_NOT_EMAIL)
        return _build(message)
    except EmailRejected:
        raise
    except Exception as exc:
        raise EmailRejected("not_email", MSG_NOT_EMAIL) from exc


def delay_seconds(parsed: ParsedEmail, ordered_at: datetime | None) -> float | None:
    arrival = parsed.received_at or parsed.sent_at
    if arrival is None or ordered_at is None:
        return None
    return (arrival - _aware(ordered_at)).total_seconds()


def missing_phrases(parsed: ParsedEmail, phrases: Iterable[str]) -> list[str]:
    haystack = _normalise(f"{parsed.subject}\n{parsed.text}")
    missing = []
    for phrase in phrases:
        needle = _normalise(phrase)
        if needle and not re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack):
            missing.append(phrase)
    return missing


def evidence(parsed: ParsedEmail, ordered_at: datetime | None, phrases: Iterable[str]) -> dict:
    return {
        "sender": parsed.sender,
        "subject": parsed.subject,
        "sent_at": _iso(parsed.sent_at),
        "received_at": _iso(parsed.received_at),
        "links": list(parsed.links),
        "delay_seconds": delay_seconds(parsed, ordered_at),
        "missing_phrases": missing_phrases(parsed, phrases),
    }


def _to_bytes(raw: bytes | str, max_bytes: int) -> bytes:
    if isinstance(raw, str):
        if len(raw) > max_bytes:
            raise _too_large(max_bytes)
        raw = raw.encode("utf-8", errors="replace")
    if not isinstance(raw, (bytes, bytearray, memoryview)):
        raise EmailRejected("not_email", MSG_NOT_EMAIL)
    data = bytes(raw)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    data = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if not data:
        raise EmailRejected("empty", MSG_EMPTY)
    return data.partition(b"\n")[2] if data.startswith(b"From ") else data


def _too_large(max_bytes: int) -> EmailRejected:
    max_mb = f"{max_bytes / (1024 * 1024):.1f}".removesuffix(".0")
    return EmailRejected("too_large", MSG_TOO_LARGE, {"max_mb": max_mb})


def _reject_if_not_email(data: bytes) -> None:
    header_block = re.split(rb"\r?\n\r?\n", data, maxsplit=1)[0]
    if b"\x00" in header_block or not _HEADER_LINE.match(data):
        raise EmailRejected("not_email", MSG_NOT_EMAIL)


def _build(message: EmailMessage) -> ParsedEmail:
    plain, html = _bodies(message)
    rendered = _HtmlText.parse(html)
    links = _URL.findall(plain) + rendered.links
    return ParsedEmail(
        sender=_header(message, "From"),
        subject=_header(message, "Subject"),
        sent_at=_parse_date(_header(message, "Date")),
        received_at=_first_hop(message),
        links=tuple(dict.fromkeys(link.rstrip(_URL_TRAILING) for link in links)),
        text=plain.strip() or rendered.text,
    )


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:
        value = next((raw for key, raw in message.raw_items() if key.lower() == name.lower()), None)
    return " ".join(str(value).split()) if value is not None else ""


def _first_hop(message: EmailMessage) -> datetime | None:
    try:
        hops = [str(hop) for hop in message.get_all("Received") or []]
    except Exception:
        return None
    for hop in reversed(hops):
        if ";" in hop and (stamp := _parse_date(hop.rsplit(";", 1)[1])):
            return stamp
    return None


def _parse_date(value: str) -> datetime | None:
    try:
        return _aware(parsedate_to_datetime(value.strip()))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _bodies(message: EmailMessage) -> tuple[str, str]:
    plain: list[str] = []
    html: list[str] = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        content_type = part.get_content_type()
        if content_type == "text/plain":
            plain.append(_decoded(part))
        elif content_type == "text/html":
            html.append(_decoded(part))
    return "\n".join(plain), "\n".join(html)


def _decoded(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except Exception:
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "utf-8"
        try:
            return payload.decode(charset, errors="replace")
        except LookupError:
            return payload.decode("latin-1")


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_TYPOGRAPHIC))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self._chunks: list[str] = []
        self._skipping = 0

    @classmethod
    def parse(cls, html: str) -> _HtmlText:
        parser = cls()
        try:
            parser.feed(html)
            parser.close()
        except Exception:
            pass
        return parser

    @property
    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self._chunks).splitlines())
        return "\n".join(line for line in lines if line)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self._skipping = 0
        elif tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self._chunks.append("\n")
        if tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            if _URL.fullmatch(href):
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self._chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._chunks.append(data)
            self.links.extend(_URL.findall(data))
