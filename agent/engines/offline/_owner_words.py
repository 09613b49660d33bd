"""The owner command parser's vocabulary (data/owner_words.yaml), Hebrew and English: one regular
expression per idea. Private to agent.engines.offline.owner_commands; patterns run on `lowered(text)`."""

from __future__ import annotations

from agent.engines.offline.vocabulary import load, pairs, text

_FILE = "owner_words"

CANCEL = text(_FILE, "CANCEL")
CODE_WORD = text(_FILE, "CODE_WORD")
COMPLETE = text(_FILE, "COMPLETE")
COUNTED = text(_FILE, "COUNTED")
COUNTED_OF = text(_FILE, "COUNTED_OF")
DIGEST = text(_FILE, "DIGEST")
EN_STATUS = text(_FILE, "EN_STATUS")
HOW_IS_IT_GOING = text(_FILE, "HOW_IS_IT_GOING")
INVOICE_WORD = text(_FILE, "INVOICE_WORD")
PARTNERSHIP_WORD = text(_FILE, "PARTNERSHIP_WORD")
PERFORMING = text(_FILE, "PERFORMING")
PERIODS = pairs(_FILE, "PERIODS")
PRIORITY = pairs(_FILE, "PRIORITY")
REOPEN = text(_FILE, "REOPEN")
RESCHEDULE = text(_FILE, "RESCHEDULE")
SET_PRIORITY = text(_FILE, "SET_PRIORITY")
SHOPPER = text(_FILE, "SHOPPER")
STATUS_TARGET: list[str] = [str(p) for p in load(_FILE)["STATUS_TARGET"]]
TASK_CREATE = text(_FILE, "TASK_CREATE")
TASK_ONLY = text(_FILE, "TASK_ONLY")
TASK_TYPES = pairs(_FILE, "TASK_TYPES")
MEETING = text(_FILE, "MEETING")
TASK_WORD = text(_FILE, "TASK_WORD")
UPCOMING = text(_FILE, "UPCOMING")
