"""Words and formats of the reader: the language picks the catalog, the browser's region formats
dates (en-GB reads 02/12/2026, en-US 12/2/26), and a count agrees with its noun in both languages."""
from datetime import date, datetime

import pytest

from checkapp.models import utcnow


@pytest.fixture
def submitted_run(make_run, staff):
    # 00:57 UTC on 2 December 2026 is 01:57 in Paris, the app's time zone.
    return make_run(performer=staff, status="submitted", submitted_at=datetime(2026, 12, 2, 0, 57),
                    due_date=date(2026, 12, 9))


@pytest.mark.parametrize(("accept", "short", "medium"), [
    ("en-GB,en;q=0.8", "02/12/2026, 01:57", "9 Dec 2026"),
    ("en-US,en;q=0.8", "12/2/26, 1:57\u202fAM", "Dec 9, 2026"),
    ("en", "12/2/26, 1:57\u202fAM", "Dec 9, 2026"),
    ("fr-FR,fr;q=0.8", "02/12/2026 01:57", "9 déc. 2026"),
    ("fr-CA,fr;q=0.8", "2026-12-02 01 h 57", "9 déc. 2026"),
])
def test_dates_follow_the_browsers_region_not_only_its_language(client, login, manager, staff, submitted_run,
                                                                 accept, short, medium):
    login(manager)
    queue = client.get("/review", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert short in queue
    login(staff)
    start = client.get(f"/runs/{submitted_run.id}/perform", headers={"Accept-Language": accept})
    assert medium in start.get_data(as_text=True)


def test_the_region_changes_formats_but_not_the_chosen_language(client, login, manager, submitted_run):
    login(manager)
    client.set_cookie("lang", "en")
    page = client.get("/review", headers={"Accept-Language": "fr-FR,en-GB;q=0.5"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Runs to review" in page and "02/12/2026, 01:57" in page
    client.set_cookie("lang", "fr")
    page = client.get("/review", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert '<html lang="fr">' in page and 'aria-pressed="true">FR' in page


def test_a_browsers_language_header_is_read_once_not_at_every_page(client, login, manager, submitted_run,
                                                                    monkeypatch):
    from checkapp import i18n

    login(manager)
    headers = {"Accept-Language": "en-GB,en;q=0.8"}
    assert "02/12/2026, 01:57" in client.get("/review", headers=headers).get_data(as_text=True)
    parsed = []
    parse = i18n.Locale.parse
    monkeypatch.setattr(i18n.Locale, "parse", lambda *args, **kwargs: parsed.append(args) or parse(*args, **kwargs))
    page = client.get("/review", headers=headers).get_data(as_text=True)
    assert "Runs to review" in page and "02/12/2026, 01:57" in page
    # Reading the header parses each of its tags ("en_GB", "en"); Flask-Babel parses the chosen "en_GB".
    assert ("en",) not in parsed and parsed.count(("en_GB",)) == 1


# --- plurals ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("headers", "sentence"), [
    ({"Accept-Language": "en"}, "1 promoter (9–10) and 0 detractors (0–6) out of 1 answer."),
    ({"Accept-Language": "fr"}, "1 promoteur (9–10) et 0 détracteur (0–6) sur 1 réponse."),
])
def test_nps_counts_agree_with_their_nouns(client, login, manager, staff, make_run, headers, sentence):
    make_run(performer=staff, status="accepted", recommend_score=9, submitted_at=utcnow())
    login(manager)
    page = client.get("/dashboard", headers=headers).get_data(as_text=True)
    assert sentence in page.replace("\u00a0", " ")


@pytest.mark.parametrize(("headers", "words"), [
    ({"Accept-Language": "en"}, ("1 of 3 answered",)),
    ({"Accept-Language": "fr"}, ("1 sur 3 renseigné<", )),
])
def test_progress_agrees_with_one_answer(client, login, staff, make_run, make_answer, headers, words):
    run = make_run(performer=staff, status="in_progress")
    make_answer(run, run.checklists[0].version.items[1], "pass", value={"value": True})
    login(staff)
    page = client.get(f"/runs/{run.id}/perform", headers=headers).get_data(as_text=True).replace("\u00a0", " ")
    assert all(word in page for word in words)


def test_report_counts_agree_with_their_nouns_in_french(client, login, staff, make_run, make_answer):
    run = make_run(performer=staff, status="submitted", submitted_at=utcnow())
    make_answer(run, run.checklists[0].version.items[1], "pass", value={"value": True})
    login(staff)
    page = client.get(f"/runs/{run.id}/report", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "1 conforme<" in page.replace("\u00a0", " ")
