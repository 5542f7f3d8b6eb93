"""Alembic migrations of the lineage database; `lineage init` applies them."""
