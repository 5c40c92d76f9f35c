"""Valid markup on the main pages of each role (what the Nu HTML checker and screen readers trip on),
with CSRF on as in production (its hidden inputs are part of the page):
no id twice on a page, every aria-labelledby / aria-describedby names another element that exists,
and a required <select> starts with an empty option. Pages come with the demo data's content."""
from collections import Counter
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from checkapp.demo import load_demo
from checkapp.invites import services as invites
from checkapp.models import Checklist, Fix, Run
from checkapp.permissions import INVITE_SESSION_KEY
from checkapp.runs import services as runs


class Markup(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.ids, self.references, self.selects, self._select = Counter(), [], [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids[attrs["id"]] += 1
        for name in ("aria-labelledby", "aria-describedby"):
            for target in (attrs.get(name) or "").split():
                self.references.append((name, attrs.get("id"), target))
        if tag == "select":
            self._select = {"name": attrs.get("name"), "required": "required" in attrs, "first": None}
            self.selects.append(self._select)
        elif tag == "option" and self._select is not None and self._select["first"] is None:
            self._select["first"] = attrs.get("value")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None

    def problems(self) -> list[str]:
        found = [f'id="{name}" {count} times' for name, count in self.ids.items() if count > 1]
        for attribute, own_id, target in self.references:
            if target == own_id:
                found.append(f'{attribute}="{target}" names the element itself')
            elif target not in self.ids:
                found.append(f'{attribute}="{target}" names no element')
        found += [f'required <select name="{s["name"]}"> has no empty first option'
                  for s in self.selects if s["required"] and s["first"] != ""]
        return found


@pytest.fixture
def demo(db):
    users = load_demo()
    versions = [c.current_version for c in db.session.scalars(select(Checklist).order_by(Checklist.id))]
    mine = runs.create_run(title="Toutes les grilles", brief="Suivez chaque grille.", versions=versions,
                           performer=users["staff"], created_by=users["manager"])
    invited = runs.create_run(title="Panel", brief="", versions=versions[:2], performer=None,
                              created_by=users["manager"])
    invite = invites.create_invite(invited, created_by=users["manager"], tester_name="Inès")
    db.session.commit()
    return users, mine, invited, invite.invite


def check(client, paths, headers) -> list[str]:
    found = []
    for path in paths:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        found += [f"{path}: {problem}" for problem in Markup(response.get_data(as_text=True)).problems()]
    return found


@pytest.mark.parametrize("language", ["fr", "en"])
def test_main_pages_have_unique_ids_valid_references_and_placeholder_options(app, client, login, db, demo, csrf_on,
                                                                             language):
    (users, mine, invited, invite), headers = demo, {"Accept-Language": language}
    submitted = db.session.scalar(select(Run).where(Run.status == "submitted").limit(1))
    fix = db.session.scalar(select(Fix).where(Fix.kind == "mismatch").limit(1))
    checklist = db.session.scalar(select(Checklist).limit(1))
    problems = check(app.test_client(), ["/login"], headers)
    login(users["manager"])
    problems += check(client, [
        "/runs", "/review", f"/review/runs/{submitted.id}", "/fixes", f"/fixes/{fix.id}", "/fixes/print",
        "/dashboard", "/checklists/", f"/checklists/{checklist.id}", "/checklists/library", "/staff",
        f"/runs/{invited.id}/invites", "/invites/panel", "/fixes/shares", "/fixes/ideas/new", "/fixes/weights",
        "/runs/new", f"/runs/{submitted.id}/report"], headers)
    staff = app.test_client()
    login(users["staff"], staff)
    problems += check(staff, ["/runs", f"/runs/{mine.id}/perform", f"/runs/{mine.id}/items",
                              *(f"/runs/{mine.id}/items/{item.id}" for item in runs.all_items(mine)),
                              f"/runs/{mine.id}/submit"], headers)
    tester = app.test_client()
    with tester.session_transaction() as session:
        session[INVITE_SESSION_KEY] = invite.id
    problems += check(tester, ["/tester", f"/runs/{invited.id}/perform",
                               f"/runs/{invited.id}/items/{runs.all_items(invited)[0].id}"], headers)
    assert not problems, "\n".join(problems)
