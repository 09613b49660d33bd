"""The offline vocabulary is data: files per language load and check, and a phrase added there is understood."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agent.engines.offline import INTENTS, vocabulary
from agent.engines.offline._cues import CUES, LANGUAGES

# Labels a cue table may carry besides intents: consent sub-labels, off_topic and the feature cues.
_NOT_INTENTS = {"consent+", "consent-", "consent_channel", "off_topic"}


def test_every_data_file_loads_and_each_language_covers_the_same_intents():
    tables = {lang: vocabulary.cue_table(f"{lang}/intents", lang.upper()) for lang in LANGUAGES}
    assert set(tables["en"]) == set(tables["he"])  # no intent understood in one language only
    assert set(tables["en"]) - _NOT_INTENTS <= set(INTENTS)
    assert all(rows for table in tables.values() for rows in table.values())
    labels = {cue.label for cue in CUES.cues}
    assert {"coupon_request", "support_issue", "human_request", "abuse"} <= labels


def test_a_broken_data_file_names_the_file_and_the_reason(tmp_path, monkeypatch):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "intents.yaml").write_text("EN:\n  greeting:\n  - [hi, 7]\n", encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("vars: {}\nX: ${MISSING}\n", encoding="utf-8")
    monkeypatch.setattr(vocabulary, "DATA", tmp_path)
    vocabulary.load.cache_clear()
    try:
        with pytest.raises(vocabulary.VocabularyError, match=r"en/intents.yaml: EN.greeting: weight 7.0"):
            vocabulary.cue_table("en/intents", "EN")
        with pytest.raises(vocabulary.VocabularyError, match=r"broken.yaml: \$\{MISSING\} is not defined"):
            vocabulary.load("broken")
    finally:
        vocabulary.load.cache_clear()


_UNDERSTAND = """
import datetime as dt, json, sys
from agent.engines.offline import Catalog, understand
now = dt.datetime(2026, 12, 4, 12, tzinfo=dt.UTC)
print(json.dumps(understand(sys.argv[1], catalog=Catalog(brands=()), now=now).intent))
"""


def _intent(text: str, data_dir: Path | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OFFLINE_VOCABULARY_DIR"}
    if data_dir is not None:
        env["OFFLINE_VOCABULARY_DIR"] = str(data_dir)
    done = subprocess.run([sys.executable, "-c", _UNDERSTAND, text], env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_phrase_added_to_the_data_is_understood_without_a_code_change(tmp_path):
    phrase = "zorbly flimflam"  # words no table has
    assert _intent(phrase, None) != "coupon_request"
    data = tmp_path / "data"
    shutil.copytree(vocabulary.DATA, data)
    intents = data / "en" / "intents.yaml"
    text = intents.read_text(encoding="utf-8")
    intents.write_text(text.replace("  coupon_request:\n", "  coupon_request:\n  - [zorbly flimflam, 0.95]\n", 1),
                       encoding="utf-8")
    assert _intent(phrase, data) == "coupon_request"
