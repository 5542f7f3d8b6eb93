"""The SQL views `lineage sql` offers (`views.sql`), with the one-line doc of each.

Kept apart from `lineage.query.sql` so that listing them (in `lineage sql --help`) does not load
DuckDB.
"""

from __future__ import annotations

import re
from importlib import resources

_VIEW_DOC = re.compile(r"^-- (?P<name>\w+): (?P<doc>.+)$", re.M)
VIEWS_SQL = resources.files(__package__).joinpath("views.sql").read_text(encoding="utf-8")
VIEW_DOCS: dict[str, str] = {m.group("name"): m.group("doc") for m in _VIEW_DOC.finditer(VIEWS_SQL)}
