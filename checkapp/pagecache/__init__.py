"""Whole pages kept per process for the pages managers reload all day (the fix list, the dashboard),
served again only while nothing they show has changed.

Two things change a page: data and time. Data: every committed transaction that wrote a table other
than those `generation.UNWATCHED` names gives the database a new generation token in the same
transaction, and a kept page is served only under the token it was rendered under; the token is
read before the page's data, so a write that lands in between makes the page look older, never newer.
Time: each page says when it next changes by the clock alone (`pages.cached_page`'s `changes_at`),
e.g. when a counted run leaves a recent window, and is not served from then on.
"""
from .generation import install
from .pages import cached_page

__all__ = ["cached_page", "install"]
