"""The in-app photo viewer: a page per photo with previous / next and a way back, for whoever may see the photo."""
import io
from types import SimpleNamespace

import pytest
from PIL import Image

from checkapp.evidence import services
from checkapp.evidence.viewer import photo_place

EN = {"Accept-Language": "en"}


def jpeg(color) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def photos(app, db, make_run, staff):
    """A run with items days, label, wait: two photos of `label`, one of `wait`, none of `days`."""
    run = make_run(performer=staff)
    days, label, wait = run.checklists[0].version.items

    def add(item, color):
        photo, _created = services.add_photo(run, item, jpeg(color), photo_dir=app.config["PHOTO_DIR"],
                                             max_bytes=app.config["MAX_PHOTO_BYTES"])
        return photo

    label_1, wait_1, label_2 = add(label, (200, 0, 0)), add(wait, (0, 200, 0)), add(label, (0, 0, 200))
    db.session.commit()
    return SimpleNamespace(run=run, days=days, label=label, wait=wait, label_1=label_1, wait_1=wait_1,
                           label_2=label_2)


def test_photos_are_walked_in_report_order_or_within_their_item(photos):
    p = photos
    place = photo_place(p.run, p.label_2.id)
    assert (place.position, place.total, place.previous, place.next) == (2, 3, p.label_1, p.wait_1)
    assert place.item == p.label
    place = photo_place(p.run, p.label_2.id, item_id=p.label.id)
    assert (place.position, place.total, place.previous, place.next) == (2, 2, p.label_1, None)
    assert photo_place(p.run, p.wait_1.id, item_id=p.label.id) is None
    assert photo_place(p.run, 10**6) is None


def test_the_performer_steps_through_an_item_photos_and_closes_back_to_the_item(client, login, staff, photos):
    p = photos
    login(staff)
    item_page = client.get(f"/runs/{p.run.id}/items/{p.label.id}", headers=EN).get_data(as_text=True)
    assert f'href="/runs/{p.run.id}/items/{p.label.id}/photos/{p.label_1.id}"' in item_page
    assert f'href="/photos/{p.label_1.id}/display"' not in item_page  # no more raw JPEG outside the app

    viewer = f"/runs/{p.run.id}/items/{p.label.id}/photos/{p.label_1.id}"
    page = client.get(viewer, headers=EN).get_data(as_text=True)
    assert "Photo 1 of 2" in page and f'src="/photos/{p.label_1.id}/display?v={p.label_1.version}"' in page
    assert 'rel="next" data-viewer-step' in page and f"/items/{p.label.id}/photos/{p.label_2.id}" in page
    assert 'rel="prev"' not in page
    assert f'href="/runs/{p.run.id}/items/{p.label.id}#photos-{p.label.id}" data-viewer-close' in page


def test_the_manager_walks_the_whole_run_and_closes_back_to_the_report(client, login, manager, photos):
    p = photos
    login(manager)
    page = client.get(f"/runs/{p.run.id}/photos/{p.label_2.id}", headers=EN).get_data(as_text=True)
    assert "Photo 2 of 3" in page
    assert f'href="/runs/{p.run.id}/photos/{p.label_1.id}"' in page  # previous: the same item's first photo
    assert f'href="/runs/{p.run.id}/photos/{p.wait_1.id}"' in page  # next: the next item's
    assert f'href="/runs/{p.run.id}/report#item-{p.label.id}" data-viewer-close' in page
    report = client.get(f"/runs/{p.run.id}/report", headers=EN).get_data(as_text=True)
    assert f'href="/runs/{p.run.id}/photos/{p.wait_1.id}"' in report


def test_the_viewer_refuses_whoever_may_not_see_the_photo(client, login, make_user, make_run, photos):
    p = photos
    assert client.get(f"/runs/{p.run.id}/photos/{p.label_1.id}").status_code == 404  # nobody logged in
    login(make_user("staff"))
    assert client.get(f"/runs/{p.run.id}/photos/{p.label_1.id}").status_code == 404
    login(p.run.performer)
    assert client.get(f"/runs/{p.run.id}/photos/{p.label_1.id}").status_code == 200
    other = make_run(performer=p.run.performer, title="Another run")
    assert client.get(f"/runs/{other.id}/photos/{p.label_1.id}").status_code == 404  # not that run's photo
    assert client.get(f"/runs/{p.run.id}/items/{p.days.id}/photos/{p.label_1.id}").status_code == 404  # nor item's
