"""Storage: settings, embedded services, the data model, migrations and repository functions."""

from store.db import Database, DatabaseUnreachable, get_database, reset_database
from store.settings import StoreSettings, get_settings

__all__ = ["Database", "DatabaseUnreachable", "StoreSettings", "get_database", "get_settings", "reset_database"]
