"""Manager pages after the UX review: photos inside their fix card, plurals, chart scale, demo in French."""
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from checkapp.fixes import charts, services
from checkapp.models import Fix, Photo, utcnow

EN, FR = {"Accept-Language": "en"}, {"Accept-Language": "fr"}


class CardImages(HTMLParser):
    """Collects, for every <img>, whether it sits inside an element whose class has 'fix-card'."""

    def __init__(self):
        super().__init__()
        self.stack, self.images = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append((attrs.get("src"), any("fix-card" in c for c in self.stack)))
        elif tag not in ("br", "input", "meta", "link"):
            self.stack.append(attrs.get("class") or "")

    def handle_endtag(self, tag):
        if tag not in ("img", "br", "input", "meta", "link") and self.stack:
            self.stack.pop()


@pytest.fixture
def one_fix(db, make_checklist, make_run, make_answer):
    """One logistics mismatch, failed in 1 accepted run out of 1, with a photo."""
    checklist = make_checklist(items=(dict(question="Label printed?", promise="", kind="yes_no",
                                           expected={"value": True}, severity=4, stage="delivery",
                                           department="logistics"),))
    item = checklist.current_version.items[0]
    run = make_run(checklists=[checklist], status="accepted", submitted_at=utcnow())
    make_answer(run, item, "mismatch")
    services.apply_accepted_run(run)
    db.session.add(Photo(run_id=run.id, item_id=item.id, display_name="a.jpg", thumb_name="a_t.jpg", width=10,
                         height=10, byte_size=3, content_type="image/jpeg", sha256="0" * 64))
    db.session.commit()
    return item


def test_share_view_shows_each_fix_photos_inside_its_card(client, db, manager, one_fix):
    _link, token = services.create_share("logistics", manager)
    db.session.commit()
    parser = CardImages()
    parser.feed(client.get(f"/share/{token}", headers=EN).get_data(as_text=True))
    assert parser.images and all(inside for _src, inside in parser.images)
    assert "share-photos" not in client.get(f"/share/{token}", headers=EN).get_data(as_text=True)


def test_photo_thumbnails_are_fluid_in_their_grid(app):
    with open(app.static_folder + "/css/app.css", encoding="utf-8") as file:
        css = file.read()
    assert ".photo-grid img { display: block; width: 100%; height: auto;" in css


@pytest.mark.parametrize("headers, expected", [
    (EN, "Failed in 1 run out of 1 in all"), (FR, "En échec dans 1 test sur 1 au total")])
def test_fix_list_counts_runs_with_the_right_plural(client, login, manager, one_fix, headers, expected):
    login(manager)
    page = client.get("/fixes", headers=headers).get_data(as_text=True)
    assert expected in page and "1 runs" not in page and "1 tests" not in page


def test_fix_detail_and_score_use_singular_for_one_failed_run(client, login, manager, db, one_fix):
    login(manager)
    fix = db.session.query(Fix).filter_by(item_key=one_fix.item_key).one()
    page = client.get(f"/fixes/{fix.id}", headers=EN).get_data(as_text=True)
    assert "failed in 1 run out of 1" in page and "failed in 1 recent run out of 1" in page
    french = client.get(f"/fixes/{fix.id}", headers=FR).get_data(as_text=True)
    assert "en échec dans 1 test sur 1" in french and "échec dans 1 test récent sur 1" in french


def test_line_chart_labels_its_scale_with_a_real_minus_sign():
    svg = charts.line_chart("NPS", ["Dec 2025", "Jan 2026"], [-20.0, 40.0], low=-100, high=100,
                            y_labels=[(v, charts.signed(v)) for v in (-100, 0, 100)])
    assert "\u2212100</text>" in svg and ">0</text>" in svg and "+100</text>" in svg
    assert "\u221220</title>" in svg and "-20" not in svg
    assert charts.signed(-5) == "\u22125" and charts.signed(33) == "+33" and charts.signed(0) == "0"


def test_dashboard_names_months_and_the_percent_scale_in_the_user_language(client, login, manager, db, one_fix,
                                                                             make_run, make_answer):
    for weeks in (5, 10):  # answers in three months: enough points for the chart to be drawn (issue 14)
        run = make_run(checklists=[one_fix.version.checklist], status="accepted",
                       submitted_at=utcnow() - timedelta(weeks=weeks))
        make_answer(run, one_fix, "pass")
    login(manager)
    today = date.today()
    english = client.get("/dashboard", headers=EN).get_data(as_text=True)
    french = client.get("/dashboard", headers=FR).get_data(as_text=True)
    from babel.dates import format_date
    assert format_date(today.replace(day=1), "MMM yyyy", locale="en") in english
    assert format_date(today.replace(day=1), "MMM yyyy", locale="fr") in french
    assert ">0%</text>" in english and ">100%</text>" in english
    assert ">100\u00a0%</text>" in french
    assert f">{today:%Y-%m}<" not in english


def test_share_list_writes_expiry_dates_in_the_long_locale_format(client, login, manager, db):
    when = utcnow() + timedelta(days=30)
    services.create_share("web", manager, when)
    db.session.commit()
    login(manager)
    from babel.dates import format_date
    page = client.get("/fixes/shares", headers=FR).get_data(as_text=True)
    assert format_date(when.date(), "long", locale="fr") in page


def test_demo_ideas_and_comments_are_french(app, db, make_user):
    from checkapp.fixes import demo
    from checkapp.models import FixComment
    demo.load({"manager": make_user(role="manager")})
    titles = [f.title for f in db.session.query(Fix).filter_by(kind="idea")]
    assert "Proposer un emballage cadeau à la commande" in titles
    assert not any("gift" in t.lower() or "thank-you" in t.lower() for t in titles)
    assert all("Carrier" not in c.body for c in db.session.query(FixComment))


def test_library_transfer_unit_reads_well_in_the_promise():
    from checkapp import verdict
    from checkapp.checklists import library
    for lang, expected in (("fr", "≤ 1 transfert(s)"), ("en", "≤ 1 transfer(s)")):
        items = library.entry("contact_channel", lang)["items"]
        item = next(i for i in items if i["kind"] == "number")
        assert verdict.describe_promise(item["kind"], item["expected"], item["unit"], lang) == expected
