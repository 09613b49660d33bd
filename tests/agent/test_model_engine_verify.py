"""The grounding gate on a model's reply: what counts as an invented code, link, amount, date or language,
and that streaming never shows a word before it is checked."""

from __future__ import annotations

import pytest

from agent.engines.model.verify import Facts, ReplyGate, UngroundedReply, check_reply, facts_for

STATE = {
    "tool_results": [
        {
            "name": "find_coupons",
            "ok": True,
            "data": {
                "status": "ok",
                "coupons": [
                    {
                        "code": "SHIRA15",
                        "value": "15",
                        "discount_type": "percentage",
                        "url": "https://olivia-oils.example/shop?c=SHIRA15",
                        "expires": "2027-01-31",
                    }
                ],
                "query": {"code": "OLD10"},
            },
        }
    ],
    "catalog": [
        {"ref": "olivia", "name": "Olivia Oils", "aliases": ["OLIVIA"], "coupon_codes": ["SHIRA15", "KPSHIRA"]}
    ],
    "tenant": {"handle": "shira.kitchen", "display_name": "Shira Adler"},
    "masked_text": "any code for olivia? I paid 200 ILS last time",
    "language": "en",
}


def facts(draft: str = "Use SHIRA15 for 15% off 🫒 LOVE SHIRA") -> Facts:
    return facts_for(STATE, draft=draft, facts_text=str(STATE["tool_results"]))


@pytest.mark.parametrize(
    "reply",
    [
        "Use SHIRA15 for 15% off at https://olivia-oils.example/shop?c=SHIRA15 until 31.01.2027",
        "use shira15 at OLIVIA, valid until 2027-01-31 🫒",
        "Sorry your 200 ILS order is late! LOVE SHIRA",
        "Mix 1.5 cups of flour with 2/3 cup of oil",
    ],
)
def test_grounded_replies_pass(reply):
    check_reply(reply, facts(draft="Sure! 🫒 LOVE SHIRA"), complete=True)  # a draft that gives no code


@pytest.mark.parametrize("reply", ["Olivia is lovely, check my stories!", "Olivia Oils: 15% off with my code!"])
def test_a_reply_that_leaves_out_the_code_the_template_gives_fails(reply):
    with pytest.raises(UngroundedReply, match="leaves out what the answer gives: SHIRA15"):
        check_reply(reply, facts(), complete=True)
    check_reply(reply, facts(), complete=False)  # mid-stream the code may still come


@pytest.mark.parametrize(
    "reply, why",
    [
        ("Use SHIRA20 today", "code not from this turn"),
        ("Use OLD10, it still works", "code not from this turn"),  # asked about, not returned as a coupon
        ("try kpshira instead", "may not be offered"),
        ("Use BIGSALE at checkout", "code-like word"),
        ("Get 30% off today", "amount"),
        ("Only ₪99 this week", "amount"),
        ("Valid until 15/02/2027", "date"),
        ("Order at https://olivia-oils.example/other", "link"),
        ("היי! הקוד הוא SHIRA15 בהנחה של 15%", "reply in he"),
    ],
)
def test_ungrounded_replies_are_caught(reply, why):
    with pytest.raises(UngroundedReply, match=why):
        check_reply(reply, facts(), complete=True)


def test_the_gate_streams_checked_words_only_and_stops_before_an_invented_code():
    shown: list[str] = []
    gate = ReplyGate(facts(), shown.append)
    for piece in ["Sure! ", "Use ", "SHI", "RA15 ", "or ", "SAVE", "20 ", "too"]:
        try:
            gate.feed(piece)
        except UngroundedReply:
            break
    else:
        pytest.fail("the invented code was not caught")
    assert "".join(shown) == "Sure! Use SHIRA15 "  # "or" was still held back when SAVE20 completed
    assert "SAVE" not in "".join(shown)


def test_the_gate_holds_a_number_until_its_currency_is_known():
    shown: list[str] = []
    gate = ReplyGate(facts(), shown.append)
    with pytest.raises(UngroundedReply):
        for piece in ["It ", "costs ", "99 ", "₪ ", "now"]:
            gate.feed(piece)
    assert "99" not in "".join(shown)


def test_a_clean_stream_shows_exactly_the_reply():
    shown: list[str] = []
    gate = ReplyGate(facts(), shown.append)
    for piece in ["  Use ", "SHIRA15 ", "for ", "15% ", "off 🫒\n"]:
        gate.feed(piece)
    assert gate.finish() == "".join(shown) == "Use SHIRA15 for 15% off 🫒"


def test_a_reply_that_drops_the_figure_a_post_gives_fails():
    # On the real Gemma 270M server, "what SPF do you use?" got a grounded reply without the 50 (maya-demo).
    state = {**STATE, "tool_results": [{"name": "search_knowledge", "ok": True,
                                         "data": {"hits": [{"text": "I use SPF 50 every single day"}]}}]}
    spf = facts_for(state, draft="I use SPF 50 every day ☀️", facts_text=str(state["tool_results"]))
    with pytest.raises(UngroundedReply, match="leaves out what the answer gives: 50"):
        check_reply("I always wear sunscreen, every day!", spf, complete=True)
    check_reply("Sunscreen every day, SPF 50 ☀️", spf, complete=True)


def test_codes_the_template_offers_are_allowed_and_must_stay():
    # maya-demo's cross-tenant case: "no code for Stride, but mine are MAYA15, ..." — the codes came from the
    # catalogue, not a tool's `code` field; a Gemma reply without them failed the case.
    state = {**STATE, "tool_results": []}
    offered = facts_for(state, draft="No code for that brand, but here is mine: SHIRA15 🫒", facts_text="[]")
    with pytest.raises(UngroundedReply, match="leaves out what the answer gives: SHIRA15"):
        check_reply("Sorry, no code for that brand!", offered, complete=True)
    check_reply("No code there, but SHIRA15 works at Olivia!", offered, complete=True)
    with pytest.raises(UngroundedReply, match="KPSHIRA"):  # a code of hers the template did not offer
        check_reply("Try KPSHIRA instead!", offered, complete=True)
