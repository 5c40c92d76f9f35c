"""The outbox's words (static/js/words.js), one JSON file per language.

They used to ride on every page as ~30 attributes, translated at every render; now the service
worker keeps both languages with the app shell, and a page only names its language's file.
Keys are what words.js asks for; it fills in `{n}`, `{x}`, `{a}`, `{b}` and `{s}`.
"""
import hashlib
import json
from functools import cache, lru_cache

from flask import url_for
from flask_babel import force_locale, get_translations, gettext

from ..i18n import LOCALES


def ngettext(singular: str, plural: str, count: int, /, **variables) -> str:
    """As in templates: `num` may be given apart from the count, here a placeholder ("{n} answers")."""
    variables.setdefault("num", count)
    return get_translations().ungettext(singular, plural, count) % variables


def outbox_words() -> dict[str, str]:
    """The words in the current locale."""
    return {
        "answersOne": ngettext("%(num)s answer", "%(num)s answers", 1, num="{n}"),
        "answersOther": ngettext("%(num)s answer", "%(num)s answers", 2, num="{n}"),
        "photosOne": ngettext("%(num)s photo", "%(num)s photos", 1, num="{n}"),
        "photosOther": ngettext("%(num)s photo", "%(num)s photos", 2, num="{n}"),
        "runsOne": ngettext("%(num)s run", "%(num)s runs", 1, num="{n}"),
        "runsOther": ngettext("%(num)s run", "%(num)s runs", 2, num="{n}"),
        "and": gettext("%(first)s and %(second)s", first="{a}", second="{b}"),
        "waitingOffline": gettext("%(things)s waiting — will send when back online", things="{x}"),
        "waitingOnline": gettext("%(things)s waiting to be sent", things="{x}"),
        "attention": gettext("%(things)s could not be sent: open the outbox to see why", things="{x}"),
        "sending": gettext("Sending…"),
        "allSent": gettext("All sent"),
        "waitingMark": gettext("Answered — waiting to be sent"),
        "photoWaiting": gettext("Photo kept on this phone — waiting to be sent"),
        "server": gettext("The server could not take it just now. It is kept on this phone and will be sent again."),
        "signedOut": gettext("You are signed out. Sign in again (or open your invite link again); "
                             "nothing on this phone is lost."),
        "conflict": gettext("Already stored with different content: %(stored)s. Nothing was changed.",
                            stored="{s}"),
        "deleteConfirm": gettext("Delete this waiting item? It has not been sent and cannot be recovered."),
        "labelAnswer": gettext("Answer"),
        "labelPhoto": gettext("Photo"),
        "labelSubmit": gettext("Run to send"),
        "next": gettext("Next"),
        "openItem": gettext("Open the item"),
        "retry": gettext("Try again"),
        "delete": gettext("Delete"),
        "empty": gettext("Nothing is waiting: everything you entered has been sent."),
        "statusWaiting": gettext("Waiting to be sent"),
        "statusFailed": gettext("Not sent"),
        "statusConflict": gettext("Already stored with other content"),
    }


@lru_cache(maxsize=2)
def words_json(lang: str) -> str:
    """The words of `lang` as served; they change only with a deploy, so once per process."""
    with force_locale(lang):
        return json.dumps(outbox_words(), ensure_ascii=False, sort_keys=True)


@cache
def words_version() -> str:
    """A hash of every language's words: in their URLs (so a cache never serves old ones for new)
    and in the service worker's version (so it renews its copies). Once per process, as the words."""
    digest = hashlib.sha256()
    for lang in LOCALES:
        digest.update(words_json(lang).encode())
    return digest.hexdigest()[:12]


def words_url(lang: str) -> str:
    """Where the words of `lang` are (base.html names it for the page's language)."""
    return url_for("pwa.words", lang=lang, v=words_version())
