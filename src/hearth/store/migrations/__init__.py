"""Alembic migrations of the control database (run by `open_store`, no alembic.ini)."""
