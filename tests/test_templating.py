"""Templates compiled once per language (checkapp/templating.py): a fixed string in `_("…")` is
translated when its template is compiled; strings with something to fill in are translated when shown."""
import pytest
from babel import support
from jinja2 import DictLoader

EN, FR = {"Accept-Language": "en"}, {"Accept-Language": "fr"}


@pytest.fixture
def looked_up(monkeypatch):
    """The messages looked up in a catalog from now on."""
    seen = []
    lookup = support.Translations.ugettext
    monkeypatch.setattr(support.Translations, "ugettext",
                        lambda self, message: seen.append(message) or lookup(self, message))
    return seen


@pytest.fixture
def item_url(run):
    return f"/runs/{run.id}/items/{run.checklists[0].version.items[0].id}"


def test_an_item_screen_shown_again_looks_up_only_the_strings_it_fills_in(performer, item_url, looked_up):
    assert performer.get(item_url, headers=FR).status_code == 200
    looked_up.clear()
    page = performer.get(item_url, headers=FR).get_data(as_text=True)
    assert "Tous les points" in page and "Aller au contenu" in page
    assert looked_up, "the strings with a placeholder are still translated when shown"
    assert [message for message in looked_up if "%" not in message] == []


def test_the_yes_no_buttons_words_are_translated_when_compiled(performer, run, db, looked_up):
    from checkapp.runs import services

    item = next(item for item in run.checklists[0].version.items if item.kind == "yes_no")
    services.save_answer(run, item, {"value": True}, client_uuid="0b5c6d1e-7f80-4a91-8b2c-3d4e5f607182")
    db.session.commit()
    url = f"/runs/{run.id}/items/{item.id}"
    assert performer.get(url, headers=FR).status_code == 200
    looked_up.clear()
    page = performer.get(url, headers=FR).get_data(as_text=True)
    assert 'value="yes" class="button big answer-yes" aria-pressed="true">Oui</button>' in page
    assert 'value="no" class="button big answer-no" aria-pressed="false">Non</button>' in page
    assert looked_up and not {"Yes", "No"} & set(looked_up), looked_up


@pytest.mark.parametrize("language", ["fr", "en", "en-GB,en;q=0.8", "fr"])
def test_each_language_gets_its_own_words(performer, item_url, language):
    page = performer.get(item_url, headers={"Accept-Language": language}).get_data(as_text=True)
    french = language == "fr"
    assert ("Tous les points" in page) is french and ("All items" in page) is not french
    assert ('<html lang="fr">' in page) is french


@pytest.fixture
def notes(app):
    """The app's environment reading two small templates: the same source as HTML and as plain text."""
    source = "{{ _('Add the idea') ~ tag }}|{{ _('100%% sure') }}|{{ gettext('Next') }}|{{ item._('Next') }}"
    folded = ("{{ _('Add the idea') ~ '<b>' }}|{{ _('Add the idea')|upper }}|{{ _('Next') if true else '' }}"
              "|{{ _('Next') if tag else '' }}")
    return app.jinja_env.overlay(loader=DictLoader({"note.html": source, "note.txt": source, "folded.html": folded}))


@pytest.mark.parametrize(("name", "headers", "expected"), [
    ("note.html", FR, "Ajouter l'idée&lt;b&gt;|100% sure|Suivant|Next"),
    ("note.txt", FR, "Ajouter l'idée<b>|100% sure|Suivant|Next"),
    ("note.html", EN, "Add the idea&lt;b&gt;|100% sure|Next|Next"),
])
def test_fixed_strings_read_as_they_did_when_translated_at_each_page(app, notes, name, headers, expected):
    """Escaped where the template escapes (the translation is markup, what it is joined to is not),
    plain in a text part; an object's own `_` method is left alone."""
    with app.test_request_context("/", headers=headers):
        assert notes.get_template(name).render(item=Item(), tag="<b>") == expected


def test_strings_jinja_would_fold_into_plain_text_are_translated_when_shown(app, notes):
    """Joined to a literal or filtered, a translation made at compile time would be folded into plain
    text and escaped ("l&#39;idée"); those stay calls, as markup."""
    with app.test_request_context("/", headers=FR):
        assert notes.get_template("folded.html").render(tag="<b>") == \
            "Ajouter l'idée&lt;b&gt;|AJOUTER L'IDÉE|Suivant|Suivant"


def test_a_template_loaded_in_another_language_is_translated_when_shown(app, notes):
    """A language CheckApp has no catalog for is compiled once, without translations, as before."""
    from flask_babel import force_locale

    with app.test_request_context("/"), force_locale("de"):
        page = notes.get_template("note.html").render(item=Item(), tag="<b>")
    assert page == "Add the idea&lt;b&gt;|100% sure|Next|Next"
    assert "de" not in app.jinja_env.language_copies


def test_an_email_s_language_is_the_one_forced_for_it(app, notes):
    """A job writes an email in its reader's language, without a request."""
    from flask_babel import force_locale

    with app.app_context(), force_locale("fr"):
        text = notes.get_template("note.txt").render(item=Item(), tag="<b>")
    assert text == "Ajouter l'idée<b>|100% sure|Suivant|Next"


class Item:
    def _(self, text):
        return text


def test_an_item_screen_asks_the_page_s_language_a_few_times_not_at_every_use(performer, item_url, monkeypatch):
    """Each ask goes through Flask-Babel's context (a few lookups through Flask's globals): the layout
    asks once for its four uses, a row of answers once for its three sets of words."""
    from checkapp import navigation

    asked = []
    get_locale = navigation.get_locale
    monkeypatch.setattr(navigation, "get_locale", lambda: asked.append(1) or get_locale())
    assert performer.get(item_url, headers=FR).status_code == 200
    asked.clear()
    page = performer.get(item_url, headers=FR).get_data(as_text=True)
    assert '<html lang="fr">' in page and 'aria-pressed="true">FR' in page and "/words/fr" in page
    assert len(asked) <= 3
