"""Templates compiled once per language: a fixed string in `_("…")` or `gettext("…")` is translated
when the template is compiled, not each time a page is shown.

An item screen translated about thirty fixed strings at every request, each through a call from the
template (Jinja's `Context.call`, the catalog, a `Markup`, escaping): about a twentieth of the screen.
A string becomes its translation, as markup where the template escapes (what `_()` returns), only
where nothing would turn it into plain text at compile time: shown (`{{ _("…") }}`), passed to a
function or macro, set to a variable, or as a branch of an `if … else`. Strings with a placeholder or
a `%`, `ngettext`, and templates loaded outside any language (a string template, a command) are still
translated when shown, by the same catalog.
"""
from __future__ import annotations

from babel import support
from flask import has_app_context
from flask.templating import Environment
from flask_babel import force_locale, get_locale, get_translations
from jinja2 import nodes

from .i18n import LOCALES

TRANSLATING = ("_", "gettext")
CACHE_SIZE = 400  # templates kept per language, as Jinja's default


class PageEnvironment(Environment):
    """Flask's template environment, handing each language its own compiled templates."""

    language: str | None = None  # set on the per-language copies only

    def _load_template(self, name, globals):
        if self.language is None and (language := page_language()) is not None:
            return self.for_language(language)._load_template(name, globals)
        return super()._load_template(name, globals)

    def _parse(self, source, name, filename):
        template = super()._parse(source, name, filename)
        if self.language is not None:
            with force_locale(self.language):  # the catalog Flask-Babel keeps for the language
                translate_fixed_strings(template, get_translations())
        return template

    def for_language(self, language: str) -> PageEnvironment:
        copies = self.__dict__.setdefault("language_copies", {})
        copy = copies.get(language)
        if copy is None:
            # Shares the filters, globals, loader and extensions; a cache of its own (not a copy of
            # this one: its templates are compiled without translations).
            copy = copies[language] = self.overlay(cache_size=CACHE_SIZE)
            copy.language = language
        copy.auto_reload = self.auto_reload  # Flask turns it on after the copies may exist
        return copy

    def overlay(self, **options) -> PageEnvironment:
        copy = super().overlay(**options)
        copy.__dict__.pop("language_copies", None)  # an overlay's loader may differ: copies of its own
        return copy


def page_language() -> str | None:
    """The language being rendered (a request's, or the one forced for an email), if one of ours."""
    if not has_app_context():
        return None
    try:
        locale = get_locale()
    except RuntimeError:  # no request to read it from and none forced (a command): shown as before
        return None
    return locale.language if locale is not None and locale.language in LOCALES else None


def translate_fixed_strings(node: nodes.Node, translations: support.Translations) -> None:
    if isinstance(node, nodes.Call):  # a call is never folded: its keyword arguments keep markup
        for keyword in node.kwargs:
            keyword.value = translated(node, keyword.value, translations)
    for field in node.fields:
        value = getattr(node, field, None)
        if isinstance(value, list):
            value[:] = [translated(node, child, translations) for child in value]
            children = value
        elif isinstance(value, nodes.Node):
            child = translated(node, value, translations)
            setattr(node, field, child)
            children = [child]
        else:
            continue
        for child in children:
            if isinstance(child, nodes.Node):
                translate_fixed_strings(child, translations)


def translated(parent: nodes.Node, node, translations: support.Translations):
    """`node` itself, or its translation when it is a fixed `_("…")` that `parent` keeps as it is."""
    text = fixed_string(node)
    if text is None or not keeps_markup(parent):
        return node
    replacement = nodes.MarkSafeIfAutoescape(nodes.Const(translations.ugettext(text)))
    return replacement.set_lineno(node.lineno).set_environment(node.environment)


def fixed_string(node) -> str | None:
    """The text of `_("…")` with nothing to fill in, else None."""
    if not is_translation_call(node) or len(node.args) != 1 or node.kwargs or node.dyn_args or node.dyn_kwargs:
        return None
    argument = node.args[0]
    text = argument.value if isinstance(argument, nodes.Const) else None
    return text if isinstance(text, str) and text and "%" not in text else None


def is_translation_call(node) -> bool:
    return isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name in TRANSLATING


def keeps_markup(parent: nodes.Node) -> bool:
    """Whether a translated string under `parent` stays markup: Jinja folds expressions made only of
    constants (a `~` join, a filter) into plain text, which the page would then escape."""
    if isinstance(parent, (nodes.Output, nodes.Call, nodes.Assign)):
        return True
    if isinstance(parent, nodes.CondExpr):
        try:
            parent.test.as_const()
        except nodes.Impossible:
            return True  # decided when shown, so never folded
    return False
