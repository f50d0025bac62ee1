from .backends import data_dir, database_url, postgres_url, store

__all__ = ["data_dir", "database_url", "postgres_url", "store"]
