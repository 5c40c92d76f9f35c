"""The application class keeps the paths `url_for` built (checkapp/application.py): the same path for the
same endpoint, values and mount point, built once; full URLs and anything a url_defaults function
could change are built every time."""
import pytest
from flask import url_for
from werkzeug.routing import MapAdapter

from checkapp.application import CheckApp

EN = {"Accept-Language": "en"}


@pytest.fixture
def bare():
    app = CheckApp("paths")

    @app.route("/runs/<int:run_id>")
    def run(run_id):
        return str(run_id)

    return app


@pytest.fixture
def builds(monkeypatch):
    """The endpoints Werkzeug built a URL for inside the test."""
    built = []
    real = MapAdapter.build

    def counted(self, endpoint, *args, **kwargs):
        built.append(endpoint)
        return real(self, endpoint, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "build", counted)
    return built


def test_a_path_is_built_once_then_kept(bare, builds):
    with bare.test_request_context():
        first = url_for("run", run_id=7, saved=1)
        assert url_for("run", run_id=7, saved=1) == first == "/runs/7?saved=1"
        assert url_for("run", run_id=8) == "/runs/8"
    assert builds == ["run", "run"]


def test_kept_paths_follow_where_the_app_is_mounted(bare):
    with bare.test_request_context():
        assert url_for("run", run_id=7) == "/runs/7"
    with bare.test_request_context(base_url="http://example.test/checkapp"):
        assert url_for("run", run_id=7) == "/checkapp/runs/7"
    with bare.test_request_context():
        assert url_for("run", run_id=7) == "/runs/7"


def test_values_equal_in_python_but_written_apart_keep_their_own_paths(bare):
    with bare.test_request_context():
        assert url_for("run", run_id=1, flag=True) == "/runs/1?flag=True"
        assert url_for("run", run_id=1, flag=1) == "/runs/1?flag=1"
        assert url_for("run", run_id=1, flag=1.0) == "/runs/1?flag=1.0"


def test_full_urls_and_unhashable_values_are_built_every_time(bare, builds):
    with bare.test_request_context(base_url="http://one.test"):
        assert url_for("run", run_id=1, _external=True) == "http://one.test/runs/1"
        assert url_for("run", run_id=1, tag=["a", "b"]) == "/runs/1?tag=a&tag=b"
        assert url_for("run", run_id=1, tag=["a", "b"]) == "/runs/1?tag=a&tag=b"
    with bare.test_request_context(base_url="http://two.test"):
        assert url_for("run", run_id=1, _external=True) == "http://two.test/runs/1"
    assert len(builds) == 4


def test_nothing_is_kept_once_a_url_defaults_function_may_add_values(bare, builds):
    @bare.url_defaults
    def page_language(endpoint, values):
        values.setdefault("lang", "fr")

    with bare.test_request_context():
        assert url_for("run", run_id=1) == url_for("run", run_id=1) == "/runs/1?lang=fr"
    assert builds == ["run", "run"]


def test_the_kept_paths_are_emptied_when_full(bare, monkeypatch):
    monkeypatch.setattr("checkapp.application.MAX_KEPT_PATHS", 3)
    with bare.test_request_context():
        for run_id in range(5):
            url_for("run", run_id=run_id)
    assert len(bare.kept_paths) <= 3


def test_a_warm_item_screen_builds_no_url(performer, run, builds):
    """Its assets, menu, forms and the next item's link: the same paths at every request."""
    item = run.checklists[0].version.items[0]
    url = f"/runs/{run.id}/items/{item.id}"
    assert performer.get(url, headers=EN).status_code == 200
    builds.clear()
    page = performer.get(url, headers=EN)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f'href="/runs/{run.id}/items/' in html and "/static/css/app.css" in html
    assert builds == []


def test_a_kept_link_leads_to_the_right_item(performer, run):
    """The screens of a run's first two items, one after the other: each links to its own neighbours."""
    first = run.checklists[0].version.items
    page = performer.get(f"/runs/{run.id}/items/{first[0].id}", headers=EN).get_data(as_text=True)
    assert f'href="/runs/{run.id}/items/{first[1].id}"' in page
    page = performer.get(f"/runs/{run.id}/items/{first[1].id}", headers=EN).get_data(as_text=True)
    assert f'href="/runs/{run.id}/items/{first[0].id}"' in page and f'href="/runs/{run.id}/items/{first[2].id}"' in page


def test_whether_a_function_is_a_coroutine_is_asked_once_per_function(bare, monkeypatch):
    import flask.app

    asked = []
    real = flask.app.iscoroutinefunction
    monkeypatch.setattr(flask.app, "iscoroutinefunction", lambda func: asked.append(func) or real(func))
    bare.before_request(lambda: None)
    client = bare.test_client()
    assert client.get("/runs/1").get_data(as_text=True) == "1"
    assert asked
    asked.clear()
    assert client.get("/runs/2").get_data(as_text=True) == "2"
    assert asked == []


def test_functions_that_are_gone_are_forgotten(bare):
    import gc

    for n in range(10):
        def view(n=n):
            return n
        assert bare.ensure_sync(view) is view
        del view
    gc.collect()
    assert len(bare.sync_functions) == 0


def test_once_the_app_served_a_request_whether_paths_may_be_kept_is_not_asked_again(bare, builds):
    """Flask refuses new url_defaults functions after the first request: the answer cannot change."""
    class Unaskable(dict):
        def values(self):
            raise AssertionError("asked again")

    client = bare.test_client()
    assert client.get("/runs/1").status_code == 200
    with bare.test_request_context():
        assert url_for("run", run_id=3) == "/runs/3"
    bare.url_default_functions = Unaskable(bare.url_default_functions)
    with bare.test_request_context():
        assert url_for("run", run_id=3) == url_for("run", run_id=4 - 1) == "/runs/3"
    assert builds == ["run"]
