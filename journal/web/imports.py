"""Import from the browser (issue 17, item 3): drop broker files, see what the import would add before
anything is written, confirm. Helper W2's module: its routes join the app's (`journal.web.app`), its
pages the navigation bar."""

from __future__ import annotations

from journal.web.pages import RouteSpec

ROUTES: list[RouteSpec] = []
NAVIGATION: list[tuple[str, str]] = []  # (route name, label), after the pages' own
