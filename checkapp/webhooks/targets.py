"""Where a webhook may point: the checks made when the manager saves a URL and before each POST.

Server-side request forgery: CheckApp's server makes these requests, from inside the network it runs
in. The URL is https (http only to this machine, unless CHECKAPP_WEBHOOK_ALLOW_HTTP is set), carries
no user name or password, and is at most MAX_URL characters. Link-local addresses (the cloud metadata
service at 169.254.169.254), multicast, unspecified and reserved ones are refused, as typed and, before
each POST, as the host name resolves; the POST then goes to the very address checked, not to a second
lookup (DNS rebinding). Loopback and private networks stay allowed: a chat server on the office
network is a fair receiver, and only a manager adds URLs. The receiver's answer is never shown (only
its status code) and redirects are not followed, so a URL cannot read or reach further.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from ..messages import N_, UserError

MAX_URL = 2000
THIS_MACHINE = ("localhost", "127.0.0.1", "::1")
METADATA = (ipaddress.ip_address("fd00:ec2::254"),)  # AWS's metadata service over IPv6


def refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    address = getattr(address, "ipv4_mapped", None) or address
    if address.is_loopback:  # ::1 sits in IPv6's reserved ::/8
        return False
    return (address.is_link_local or address.is_multicast or address.is_unspecified or address.is_reserved
            or address in METADATA)


def _literal(host: str):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _web_address(url: str):
    """The URL's parts when it is an http(s) address with a host, a valid port and no blank; else None."""
    if any(char.isspace() or not char.isprintable() for char in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
    except ValueError:
        return None
    return parts if parts.scheme in ("https", "http") and parts.hostname else None


def check_url(url: str, *, allow_http: bool = False) -> str:
    """The URL, stripped, or UserError saying what to change."""
    url = (url or "").strip()
    if len(url) > MAX_URL:
        raise UserError(N_("This URL is too long: %(max)d characters at most."), {"max": MAX_URL})
    parts = _web_address(url)
    if parts is None:
        raise UserError(N_("Give a web address starting with https://."))
    if "@" in parts.netloc:
        raise UserError(N_("Leave the user name and password out of the URL: the signature tells the receiver "
                           "the request comes from CheckApp."))
    if parts.scheme == "http" and not allow_http and parts.hostname not in THIS_MACHINE:
        raise UserError(N_("Use https://. Plain http:// is allowed only to this machine (localhost, 127.0.0.1)."))
    address = _literal(parts.hostname)
    if address is not None and refused(address):
        raise UserError(N_("CheckApp does not send webhooks to %(address)s."), {"address": parts.hostname})
    return url


class RefusedAddress(Exception):
    """The URL's host resolves to an address CheckApp does not send to."""


def destination(url: str) -> tuple[str, int]:
    """(address, port) to connect to for `url`: the first address its host resolves to, after checking
    them all. Raises RefusedAddress, or OSError when the name does not resolve."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    addresses = [str(sockaddr[0]).split("%")[0] for *_rest, sockaddr in found]
    for address in addresses:
        if refused(ipaddress.ip_address(address)):
            raise RefusedAddress(f"refused: {parts.hostname} is at {address}, where CheckApp does not send")
    return addresses[0], port
