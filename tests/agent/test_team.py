"""Managers by chat: the owner adds one with a name and a phone (Hebrew and English), lists and removes
them; the phone is kept only where it must be (the identity that lets it in) and masked everywhere
else, the checkpoint and the trace included; a follower's same words change nothing."""

from __future__ import annotations

from agent_graph_support import rows, say

PHONE_DIGITS = "501234567"


def owner(agent, text: str, **kwargs):
    return say(agent, text, role="owner", sender="owner-console", channel="web", **kwargs)


def _everything_but_identities(db) -> str:
    found = []
    for table in [r.tablename for r in rows(db, "select tablename from pg_tables where schemaname = 'public'")]:
        if table == "owner_identities":
            continue
        found += [str(r[0]) for r in rows(db, f'select t::text from "{table}" t')]
    found += [r[0] for r in rows(db, "select encode(state, 'escape') from turn_checkpoints")]
    return "\n".join(found)


def test_the_owner_adds_lists_and_removes_a_manager(shira, make_agent):
    agent = make_agent(shira)
    added = owner(agent, "add Noa +972-50-1234567 as my manager")
    assert added.tools == ["add_manager"] and added.tool_results[0]["ok"], added.reply
    assert "Noa" in added.reply and PHONE_DIGITS not in added.reply
    identity = rows(shira, "select kind, value, label from owner_identities where kind = 'manager'")
    assert [(i.value, i.label) for i in identity] == [("+972501234567", "Noa")]
    assert PHONE_DIGITS not in _everything_but_identities(shira)  # audit, trace, messages, checkpoint
    assert rows(shira, "select after from audit_log where resource = 'manager'")[0].after["phone"].endswith("4567")

    hebrew = owner(agent, "תוסיפי את דנה 052-7654321 כמנהלת")
    assert hebrew.tools == ["add_manager"] and hebrew.tool_results[0]["ok"], hebrew.reply
    assert {i.value for i in rows(shira, "select value from owner_identities where kind = 'manager'")} == {
        "+972501234567", "+972527654321"}  # a national number, read as Israeli for a Hebrew-speaking owner

    listed = owner(agent, "who are my managers?")
    assert listed.tools == ["list_managers"] and "Noa" in listed.reply and "דנה" in listed.reply
    removed = owner(agent, "remove manager Noa")
    assert removed.tools == ["remove_manager"] and removed.tool_results[0]["ok"]
    assert [i.label for i in rows(shira, "select label from owner_identities where kind = 'manager'")] == ["דנה"]
    missing = owner(agent, "remove manager Zed")
    assert not missing.tool_results[0]["ok"] and "Zed" in missing.reply


def test_a_follower_cannot_add_a_manager(shira, make_agent):
    agent = make_agent(shira)
    tried = say(agent, "add Eve +972501112233 as my manager")
    assert "add_manager" not in tried.tools
    assert rows(shira, "select count(*) as n from owner_identities where kind = 'manager'")[0].n == 0


def test_an_owners_phone_cannot_be_a_manager(shira, make_agent):
    from store import owners as owner_store

    with shira.admin_session() as s:
        tenant_id = rows(shira, "select id from tenants where handle = 'shira.kitchen'")[0].id
        owner_store.add_phone(session=s, tenant_id=tenant_id, phone="+972541112233")
    agent = make_agent(shira)
    refused = owner(agent, "add Tom +972541112233 as my manager")
    assert not refused.tool_results[0]["ok"] and "owner" in refused.reply
    assert rows(shira, "select count(*) as n from owner_identities where kind = 'manager'")[0].n == 0
