import contextlib
import json
import random
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from checkapp.emails import (
    EmailRejected,
    ParsedEmail,
    delay_seconds,
    evidence,
    missing_phrases,
    parse_email,
)

DATA = Path(__file__).parent / "data" / "emails"
PARIS = timezone(timedelta(hours=1))
ORDERED_AT = datetime(2025, 3, 11, 10, 2, tzinfo=PARIS)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256))
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def email(body: str = "Bonjour.\n", **headers: str) -> str:
    lines = [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return "\n".join(lines) + "\n\n" + body


@pytest.fixture
def scenario3() -> ParsedEmail:
    return parse_email(fixture("scenario3_confirmation.eml"))


def test_scenario3_headers_are_decoded(scenario3):
    assert scenario3.sender == "Boutique Exemple <noreply@shop.example.fr>"
    assert scenario3.subject == "Confirmation de votre commande n°1234 – Merci !"
    assert scenario3.sent_at == datetime(2025, 3, 11, 10, 40, 58, tzinfo=PARIS)


def test_received_at_is_the_bottom_most_hop(scenario3):
    assert scenario3.received_at == datetime(2025, 3, 11, 10, 41, tzinfo=PARIS)


def test_scenario3_delay_uses_received_rather_than_date(scenario3):
    assert delay_seconds(scenario3, ORDERED_AT) == 2340


def test_naive_ordered_at_means_utc_whatever_the_server_timezone(scenario3, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert delay_seconds(scenario3, datetime(2025, 3, 11, 9, 2)) == 2340
    finally:
        monkeypatch.undo()
        time.tzset()


def test_scenario3_reports_the_checkout_date_as_missing(scenario3):
    phrases = ["12 mars", "Livraison prévue le 14 mars", "commande n°1234"]
    assert missing_phrases(scenario3, phrases) == ["12 mars"]


def test_multipart_prefers_plain_text_and_collects_links_from_both_parts(scenario3):
    assert "Livraison prévue le 14 mars" in scenario3.text
    assert "<p>" not in scenario3.text
    assert scenario3.links == (
        "https://shop.example.fr/suivi/1234",
        "https://shop.example.fr/aide",
        "https://shop.example.fr/compte?cmd=1234&src=mail",
    )


def test_lf_and_crlf_line_endings_parse_the_same(scenario3):
    assert parse_email(fixture("scenario3_confirmation.eml").replace(b"\r\n", b"\n")) == scenario3


def test_pasted_source_as_text_with_leading_blank_lines(scenario3):
    pasted = "\n \n\t" + fixture("scenario3_confirmation.eml").decode("ascii")
    assert parse_email(pasted) == scenario3


def test_html_only_email_becomes_readable_text():
    parsed = parse_email(fixture("html_only.eml"))
    assert "Merci ! Votre commande est confirmée." in parsed.text
    assert "49,90 € – Livraison prévue le 12 mars" in parsed.text
    assert "CGV & encore" in parsed.text
    for hidden in ("display:none", "tracking", "Votre commande</title>", "<", "&amp;", "&nbsp;"):
        assert hidden not in parsed.text


def test_style_and_script_are_skipped_even_inside_body():
    html = "<body><style>p{color:red}</style><p>Merci</p><script>track('x')</script><p>Au revoir</p></body>"
    parsed = parse_email(email(html, From="a@shop.fr", Content_Type="text/html; charset=utf-8"))
    assert parsed.text == "Merci\nAu revoir"


def test_unclosed_head_does_not_swallow_the_body():
    html = "<html><head><title>Commande 1234<body><p>Merci pour votre commande</p>"
    parsed = parse_email(email(html, Subject="x", Content_Type="text/html"))
    assert parsed.text == "Merci pour votre commande"


def test_html_only_links_keep_hrefs_unescaped_deduplicated_and_http_only():
    assert parse_email(fixture("html_only.eml")).links == (
        "https://shop.example.fr/suivi?id=1234&lang=fr",
        "http://shop.example.fr/cgv",
        "https://shop.example.fr/faq",
    )


def test_latin1_8bit_body_and_encoded_word_subject():
    parsed = parse_email(fixture("date_only.eml"))
    assert parsed.subject == "Commande confirmée"
    assert "Votre commande est confirmée." in parsed.text


def test_date_only_delay_across_timezones():
    parsed = parse_email(fixture("date_only.eml"))
    assert parsed.received_at is None
    assert parsed.sent_at == datetime(2025, 3, 11, 9, 7, 30, tzinfo=UTC)
    assert delay_seconds(parsed, datetime(2025, 3, 11, 9, 2, tzinfo=UTC)) == 330
    assert delay_seconds(parsed, datetime(2025, 3, 11, 9, 2)) == 330
    assert delay_seconds(parsed, datetime(2025, 3, 11, 10, 2, tzinfo=PARIS)) == 330


def test_malformed_date_and_received_without_timestamp_give_no_delay():
    parsed = parse_email(fixture("no_dates.eml"))
    assert (parsed.sent_at, parsed.received_at) == (None, None)
    assert delay_seconds(parsed, ORDERED_AT) is None


def test_missing_date_and_received_give_no_delay():
    parsed = parse_email(email(From="a@shop.fr", Subject="Merci"))
    assert delay_seconds(parsed, ORDERED_AT) is None


def test_date_without_timezone_is_taken_as_utc():
    parsed = parse_email(email(Date="Tue, 11 Mar 2025 10:00:00 -0000"))
    assert parsed.sent_at == datetime(2025, 3, 11, 10, tzinfo=UTC)


@pytest.mark.parametrize("phrase", ["12 mars", "12 MARS", "livraison prevue le 12 mars", "Livraison  prévue"])
def test_phrase_matching_ignores_case_accents_and_spacing(phrase):
    parsed = parse_email(fixture("date_only.eml"))
    assert missing_phrases(parsed, [phrase]) == []


def test_phrase_matching_respects_word_boundaries_and_keeps_original_spelling():
    parsed = parse_email(email("Livraison le 11 mars.\n", Subject="Commande n°1234"))
    assert missing_phrases(parsed, ["1 mars", "Commande N°123", "11 Mars", "n°1234"]) == [
        "1 mars",
        "Commande N°123",
    ]


def test_phrase_matching_searches_the_subject_and_treats_typographic_apostrophes_alike():
    parsed = parse_email(email("Rien ici.\n", Subject="Expédiée aujourd’hui"))
    assert missing_phrases(parsed, ["aujourd'hui", "expediee"]) == []


def test_evidence_round_trips_through_json(scenario3):
    record = evidence(scenario3, ORDERED_AT, ["12 mars", "14 mars"])
    assert json.loads(json.dumps(record)) == {
        "sender": "Boutique Exemple <noreply@shop.example.fr>",
        "subject": "Confirmation de votre commande n°1234 – Merci !",
        "sent_at": "2025-03-11T10:40:58+01:00",
        "received_at": "2025-03-11T10:41:00+01:00",
        "links": list(scenario3.links),
        "delay_seconds": 2340.0,
        "missing_phrases": ["12 mars"],
    }


def test_evidence_without_timestamps_is_still_serialisable():
    record = evidence(parse_email(fixture("no_dates.eml")), ORDERED_AT, [])
    assert json.loads(json.dumps(record))["sent_at"] is None
    assert record["received_at"] is None and record["delay_seconds"] is None


@pytest.mark.parametrize("raw", [b"", "", "   \r\n\n\t ", b"\xef\xbb\xbf\n"])
def test_empty_input_is_rejected(raw):
    with pytest.raises(EmailRejected) as caught:
        parse_email(raw)
    assert caught.value.code == "empty"


def test_too_large_input_is_rejected_before_parsing():
    raw = fixture("scenario3_confirmation.eml")
    with pytest.raises(EmailRejected) as caught:
        parse_email(raw, max_bytes=len(raw) - 1)
    assert caught.value.code == "too_large"
    assert parse_email(raw, max_bytes=len(raw)).subject


def test_size_limit_counts_encoded_bytes_of_pasted_text():
    pasted = email("é" * 60, Subject="Merci")
    with pytest.raises(EmailRejected) as caught:
        parse_email(pasted, max_bytes=len(pasted) + 10)
    assert caught.value.code == "too_large"


def test_too_large_message_names_the_limit():
    with pytest.raises(EmailRejected) as caught:
        parse_email("x" * (2 * 1024 * 1024 + 1))
    assert caught.value.code == "too_large"
    assert caught.value.message % caught.value.params == caught.value.message.replace("%(max_mb)s", "2")


@pytest.mark.parametrize(
    "raw",
    [JPEG, PDF, "hello world", b"hello world\n\nbody", "From me to you", "Dear team:\nthe email never came",
     "X-Foo: bar\n\nbody"],
)
def test_things_that_are_not_emails_are_rejected(raw):
    with pytest.raises(EmailRejected) as caught:
        parse_email(raw)
    assert caught.value.code == "not_email"
    assert isinstance(caught.value, ValueError)
    assert "does not look like an email" in caught.value.message
    assert caught.value.params == {}


def test_a_single_identifying_header_is_enough():
    assert parse_email("Subject: Merci\n").subject == "Merci"
    assert parse_email("From Mailer-Daemon Tue Mar 11 10:41:00 2025\nFrom: a@shop.fr\n").sender == "a@shop.fr"


def test_undecodable_charset_does_not_crash():
    raw = email("caf\xe9\n", From="a@shop.fr", Content_Type="text/plain; charset=x-unknown")
    assert "caf" in parse_email(raw.encode("latin-1")).text


def test_nul_bytes_in_the_header_block_are_rejected():
    with pytest.raises(EmailRejected) as caught:
        parse_email(b"Subject: a\x00\x01\x02\x03")
    assert caught.value.code == "not_email"


def test_unexpected_parser_failure_surfaces_as_email_rejected(monkeypatch):
    def explode(message):
        raise RuntimeError("parser bug")

    monkeypatch.setattr("checkapp.emails._build", explode)
    with pytest.raises(EmailRejected) as caught:
        parse_email(fixture("date_only.eml"))
    assert caught.value.code == "not_email"


def test_random_bytes_only_ever_raise_email_rejected():
    rng = random.Random(20250311)
    for _ in range(500):
        raw = rng.randbytes(rng.randrange(0, 400))
        with contextlib.suppress(EmailRejected):
            parse_email(raw)


@pytest.mark.parametrize("name", sorted(path.name for path in DATA.glob("*.eml")))
def test_truncated_and_corrupted_fixtures_never_crash(name):
    raw = fixture(name)
    rng = random.Random(name)
    variants = [raw[:cut] for cut in range(0, len(raw), 7)]
    for _ in range(100):
        corrupted = bytearray(raw)
        for _ in range(rng.randrange(1, 20)):
            corrupted[rng.randrange(len(corrupted))] = rng.randrange(256)
        variants.append(bytes(corrupted))
    for variant in variants:
        try:
            parsed = parse_email(variant)
        except EmailRejected:
            continue
        json.dumps(evidence(parsed, ORDERED_AT, ["12 mars"]))
