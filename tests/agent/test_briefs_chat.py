"""A brief pasted in the owner's chat becomes a proposal, and a yes makes the partnership and its tasks (issue 14)."""

from __future__ import annotations

from agent_graph_support import make_agent, rows, say, shira  # noqa: F401

LUMI = """Subject: Lumi Cosmetics x Shira - Glow Winter campaign

Hi Shira, I'm Dana Levi from Lumi Cosmetics. Campaign runs Dec 1 - Dec 20, 2026.
- 3 TikTok videos (due Dec 5, Dec 12 and Dec 19)
- 5 Instagram stories
Fee: 12,000 ILS + VAT, net 30. Contact: dana@lumicosmetics.co.il, 054-1234567
"""

NORDICA_HE = """בריף: היי שירה! זו שירן מנורדיקה 🙂
רצינו להציע לך שת"פ לקמפיין החורף שלנו, 1-31 בדצמבר.
מה שצריך: 2 רילס באינסטגרם ו-4 סטוריז.
התקציב 8,500 ש"ח כולל מע"מ, תשלום שוטף+60."""


def owner(agent, text, after=None):
    """An owner turn; `after` continues that turn's conversation."""
    return say(agent, text, role="owner", sender="owner",
               conversation_id=after.conversation_id if after is not None else None)


def test_a_pasted_brief_is_proposed_and_yes_creates_the_partnership_and_one_task_per_dated_item(shira, make_agent):
    agent = make_agent(shira)

    proposal = owner(agent, LUMI)
    assert proposal.action == "confirm"
    for part in ("Lumi Cosmetics", "Dec 1–Dec 20", "12,000 ILS + VAT", "3 TikTok videos (due Dec 5/Dec 12/Dec 19)",
                 "5 Instagram stories", "create it?"):
        assert part in proposal.reply
    assert rows(shira, "select count(*) as n from partnerships where brand = 'Lumi Cosmetics'")[0].n == 0

    done = owner(agent, "yes", proposal)
    assert done.tool_results and done.tool_results[0]["ok"], (done.reply, done.tool_results)
    partnership = rows(shira, "select id, status, compensation_amount, start_date, end_date, brief from partnerships "
                              "where brand = 'Lumi Cosmetics'")
    assert len(partnership) == 1 and partnership[0].status == "proposal"
    assert partnership[0].compensation_amount == 12000 and str(partnership[0].start_date) == "2026-12-01"
    assert "054-1234567" not in partnership[0].brief and "dana@lumicosmetics.co.il" not in partnership[0].brief
    tasks = rows(shira, "select title, due_date from tasks where partnership_id = :p order by due_date nulls last",
                 p=partnership[0].id)
    assert [str(t.due_date) for t in tasks] == ["2026-12-05", "2026-12-12", "2026-12-19", "2026-12-20"]
    assert "1/3" in tasks[0].title and "5 Instagram stories" in tasks[3].title
    assert "Lumi" in done.reply


def test_no_writes_nothing_and_a_hebrew_brief_is_proposed_in_hebrew(shira, make_agent):
    agent = make_agent(shira)

    proposal = owner(agent, NORDICA_HE)
    assert proposal.action == "confirm" and "8,500 ILS כולל מע\"מ" in proposal.reply and "ליצור?" in proposal.reply
    owner(agent, "לא", proposal)
    assert rows(shira, "select count(*) as n from partnerships where brand like '%נורדיקה%'")[0].n == 0


def test_a_brief_for_a_brand_with_an_open_partnership_updates_it_instead_of_a_second(shira, make_agent):
    agent = make_agent(shira)
    before = rows(shira, "select count(*) as n from partnerships")[0].n

    proposal = owner(agent, "Brief from Olivia Oils for spring: 2 reels + 4 stories, March 2027, "
                            "16,000 ILS + VAT, net 30")
    assert "update the open Olivia Oils partnership" in proposal.reply
    owner(agent, "yes", proposal)

    assert rows(shira, "select count(*) as n from partnerships")[0].n == before
    olivia = rows(shira, "select compensation_amount, end_date from partnerships where brand = 'Olivia Oils'")[0]
    assert olivia.compensation_amount == 16000 and str(olivia.end_date) == "2027-03-31"


def test_an_ordinary_task_command_is_not_taken_for_a_brief(shira, make_agent):
    result = owner(make_agent(shira), "add a task: film 2 reels for Olivia, due Friday")
    assert [r["name"] for r in result.tool_results] == ["create_task"]


def test_a_correction_in_the_reply_is_applied_and_asked_again_before_anything_is_written(shira, make_agent):
    agent = make_agent(shira)

    proposal = owner(agent, LUMI)
    corrected = owner(agent, "fee is 14,000", proposal)
    assert corrected.action == "confirm" and "14,000 ILS + VAT" in corrected.reply
    assert rows(shira, "select count(*) as n from partnerships where brand = 'Lumi Cosmetics'")[0].n == 0
    owner(agent, "yes", proposal)
    lumi = rows(shira, "select compensation_amount from partnerships where brand = 'Lumi Cosmetics'")
    assert [int(p.compensation_amount) for p in lumi] == [14000]


def test_a_hebrew_correction_and_an_unrelated_reply(shira, make_agent):
    agent = make_agent(shira)

    proposal = owner(agent, NORDICA_HE)
    corrected = owner(agent, "התמורה 9,000 ש\"ח", proposal)
    assert corrected.action == "confirm" and "9,000 ILS" in corrected.reply
    owner(agent, "what's the weather?", proposal)  # anything else cancels, as before
    assert rows(shira, "select count(*) as n from partnerships where brand like '%נורדיקה%'")[0].n == 0
