"""CHECKAPP_SMTP_URL read into settings: STARTTLS for smtp://, TLS for smtps://, credentials decoded."""
import pytest

from checkapp.mail.transport import MailConfigError, smtp_settings


def test_smtp_url_with_starttls_and_credentials():
    settings = smtp_settings("smtp://ops%40example.org:p%3Ass@mail.example.org:587")
    assert (settings.host, settings.port, settings.tls) == ("mail.example.org", 587, False)
    assert (settings.username, settings.password) == ("ops@example.org", "p:ss")
    assert not settings.local  # STARTTLS is then required before the password is sent


def test_smtps_url_and_default_ports():
    smtps = smtp_settings("smtps://mail.example.org")
    assert (smtps.port, smtps.tls) == (465, True)
    assert smtp_settings("smtp://mail.example.org").port == 587


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_a_relay_on_this_machine_may_speak_plain_smtp(host):
    assert smtp_settings(f"smtp://{host}:25").local


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "mail.example.org:587"])
def test_other_urls_are_refused(url):
    with pytest.raises(MailConfigError):
        smtp_settings(url)
