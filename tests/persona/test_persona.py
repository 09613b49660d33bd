"""The persona: the influencer's voice as the agent will use it, for any influencer, Hebrew or English."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

import persona
from knowledge.bundles import import_bundle, import_bundle_file
from persona import PersonaSource, build_persona, detect_languages
from persona._emoji import emoji_in
from persona.notes import read_notes
from store.models import Persona, Tenant


@pytest.fixture
def shira_persona(db, shira_bundle_path) -> dict:
    report = import_bundle_file(db, shira_bundle_path)
    with db.admin_session() as s:
        return persona.get(s, tenant_id=report.tenant_id)


def test_shira_persona_from_her_posts_and_notes(shira_persona):
    p = shira_persona
    assert p["default_language"] == "he" and p["languages"] == ["he", "en"]
    assert p["language_shares"]["he"] > p["language_shares"]["en"] > 0
    assert p["language_shares"] == {"he": 0.625, "en": 0.375}  # 5 Hebrew captions, 3 English
    assert p["sign_off"] == "באהבה, שירה" and p["sign_off_source"] == "notes"
    assert p["sign_offs"]["he"] == "באהבה, שירה" and "Shira" in p["sign_offs"]["en"]
    assert "🍳" in p["favourite_emojis"] and p["favourite_emojis"][0] == "🍳"
    assert p["emoji_rate"] == 1.25 and p["uses_emoji"]
    assert p["answer_length"] == "short" and "warm" in p["tone"]
    assert p["avoid"] == ["Never gives medical or diet advice"]
    assert "שמן זית" in p["phrases"]
    assert p["hashtags"][0] == "olivia" and "olivia" in p["topics"]
    assert p["first_name"] == {"he": "שירה", "en": "Shira"}
    assert p["voice_description"] is None  # no model key in tests


def test_rebuild_without_changes_keeps_the_row_and_a_new_note_changes_it(
    db, shira_persona, shira_bundle_path
):
    with db.admin_session() as s:
        row = s.scalars(select(Persona)).one()
        stamp, tenant_id = row.updated_at, row.tenant_id
        persona.rebuild(s, tenant_id=tenant_id)
    with db.admin_session() as s:
        assert s.scalars(select(Persona)).one().updated_at == stamp
    data = json.loads(shira_bundle_path.read_text(encoding="utf-8"))
    data["influencer"]["persona_notes"] = "Funny and direct. Ends every reply with 'Yalla, bye!'. No emoji."
    with db.admin_session() as s:
        import_bundle(s, data)
    with db.admin_session() as s:
        p = persona.get(s, tenant_id=tenant_id)
        assert s.scalars(select(Persona)).one().updated_at > stamp
    assert p["sign_off"] == "Yalla, bye!" and p["sign_offs"]["en"] == "Yalla, bye!"
    assert p["sign_offs"]["he"] != "Yalla, bye!"  # a Latin-script sign-off is not forced on Hebrew replies
    assert p["uses_emoji"] is False and p["tone"] == ["funny", "direct"]


def test_get_builds_a_missing_persona(db, shira_bundle_path):
    data = json.loads(shira_bundle_path.read_text(encoding="utf-8"))
    with db.admin_session() as s:
        report = import_bundle(s, data, derive=False)
        assert s.scalars(select(Persona)).first() is None
        assert persona.get(s, tenant_id=report.tenant_id)["sign_off"] == "באהבה, שירה"
        assert s.scalars(select(Persona)).one().tenant_id == report.tenant_id


def test_an_unknown_english_influencer_without_notes_gets_sensible_defaults(db):
    bundle = {
        "format": "influencer-bundle/1",
        "influencer": {"handle": "dan.runs", "display_name": "Dan Cohen", "languages": ["en"]},
        "instagram": {
            "posts": [
                {"id": "1", "caption": "Hey team! Long run Sunday, 21k done #running #marathon"},
                {"id": "2", "caption": "Hey team! New shoes day. Trail runners for the win #running #gear"},
                {"id": "3", "caption": "Recovery smoothie after a long run #running"},
            ]
        },
    }
    with db.admin_session() as s:
        report = import_bundle(s, bundle)
        p = persona.get(s, tenant_id=report.tenant_id)
    assert p["language_shares"] == {"en": 1.0} and p["default_language"] == "en"
    assert p["sign_off"] == "Thanks, Dan" and p["sign_off_source"] == "default"
    assert p["greeting"] == "Hey team!"  # how two of three captions open
    assert p["favourite_emojis"] == [] and p["uses_emoji"] is False
    assert p["hashtags"][0] == "running" and "long run" in p["phrases"]


def test_a_hebrew_only_influencer_with_hebrew_notes():
    src = PersonaSource(
        handle="noa.yoga",
        display_name="נועה כהן",
        languages=["he"],
        captions=["בוקר טוב! תרגול נשימה של חמש דקות 🧘‍♀️🧘‍♀️ #יוגה", "בוקר טוב! מתיחות לגב 🙏 #יוגה #בריאות"],
        persona_notes="חמה וישירה. חותמת תמיד 'שלכם, נועה'. אף פעם לא נותנת ייעוץ רפואי.",
    )
    p = build_persona(src)
    assert p["sign_off"] == "שלכם, נועה" and p["greeting"] == "בוקר טוב!"
    assert p["tone"] == ["warm", "direct"] and p["avoid"] == ["אף פעם לא נותנת ייעוץ רפואי"]
    assert p["favourite_emojis"][0] == "🧘‍♀️" and p["language_shares"] == {"he": 1.0}


def test_no_posts_at_all_still_gives_a_persona():
    p = build_persona(PersonaSource(handle="x.y", display_name="Maya | מאיה", languages=["he", "en"]))
    assert p["language_shares"] == {"he": 0.6, "en": 0.4}
    assert p["sign_offs"] == {"he": "תודה, מאיה", "en": "Thanks, Maya"}
    assert p["answer_length"] == "short" and p["phrases"] == [] and p["topics"] == []


def test_emoji_are_counted_as_whole_clusters():
    assert emoji_in("❤️❤ 👩‍🍳 👍🏽 🇮🇱 1️⃣ → plain ©") == ["❤️", "❤", "👩‍🍳", "👍🏽", "🇮🇱", "1️⃣"]
    p = build_persona(
        PersonaSource(
            handle="a.b", display_name="A", languages=["en"], captions=["love ❤️", "love ❤", "cake 🎂"]
        )
    )
    assert p["favourite_emojis"] == ["❤️", "🎂"]


def test_notes_in_english_and_hebrew():
    hints = read_notes(
        'Casual. Greets followers with "Hey loves". Signs off as "xo, Dana". '
        "Don't discuss politics. Long, detailed answers."
    )
    assert (hints.greeting, hints.sign_off, hints.answer_length) == ("Hey loves", "xo, Dana", "long")
    assert hints.avoid == ["Don't discuss politics"]
    assert read_notes("תשובות קצרות, בלי אימוג'י").answer_length == "short"


def test_detect_languages_by_script():
    assert detect_languages(["שלום לכולם", "עוד פוסט", "hello there"]) == ["he", "en"]
    assert detect_languages(["#only #tags @someone"]) == ["en"]
    assert detect_languages(["Привет", "Hola amigos"], latin_language="es") == ["ru", "es"]


def test_persona_follows_the_tenant(db, shira_bundle_path):
    report = import_bundle_file(db, shira_bundle_path)
    with db.admin_session() as s:
        tenant = s.get(Tenant, report.tenant_id)
        tenant.display_name = "Shira"
        tenant.persona_notes = None
        p = persona.rebuild(s, tenant_id=tenant.id)
    assert p["sign_off_source"] == "default" and p["sign_off"] == "באהבה, שירה"  # warm: emoji-rich captions
    assert p["display_name"] == "Shira"


def test_stored_language_shares_come_back_largest_first(shira_persona):
    assert list(shira_persona["language_shares"]) == ["he", "en"]
