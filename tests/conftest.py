"""Shared fixtures: a real PostgreSQL (with pgvector) and a real Redis for the whole test session.

With DATABASE_URL / REDIS_URL set, those servers are used; otherwise embedded ones are started in a
temporary data home and stopped at the end. Each test that asks for `db` starts from empty tables.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# A copy of ../shared/fixtures lives in the repo, so a clone runs on its own.
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]
# pytest puts tests/ on sys.path, where tests/knowledge, tests/tools... (no __init__.py) would be taken for
# the namespace packages `knowledge`, `tools`... unless the real packages are findable on sys.path too.
if str(REPO) not in sys.path:
    sys.path.insert(1, str(REPO))

_home = Path(tempfile.mkdtemp(prefix="ios-test-", dir="/tmp"))
os.environ["INFLUENCER_OS_HOME"] = str(_home)
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
for key in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "JUDGE_MODEL", "APIFY_TOKEN", "TWILIO_AUTH_TOKEN"):
    os.environ.pop(key, None)


from db_support import truncate_all as _truncate_all  # noqa: E402


@pytest.fixture(scope="session")
def database():
    """The session's Database: real servers, migrated once."""
    from store.bootstrap import open_database
    from store.db import reset_database
    from store.services import stop_services
    from store.settings import get_settings

    get_settings.cache_clear()
    db = open_database()
    yield db
    reset_database()
    if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        stop_services()
    shutil.rmtree(_home, ignore_errors=True)


@pytest.fixture
def db(database):
    """The Database with every table emptied first."""
    _truncate_all(database)
    return database


@pytest.fixture
def shira_bundle_path() -> Path:
    """The sample bundle from the shared fixtures."""
    return FIXTURES / "bundle-shira.json"
