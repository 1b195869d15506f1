"""Pockets and the end of a presence: statements about the whole of what an actor has left.

A *pocket statement* ("لم يعد داعش يسيطر سوى على A وB", "the last pocket consisting of A and
B") enumerates the whole remaining area of its owner: its claims share an exclusive group,
made by the grammar's ``pocket`` frames. `scope_of` gives the group its *scope* — what "the
whole" covers when the sentence says so: a bank of the Euphrates ("غرب الفرات", "on the east
bank" -> ``bank:west`` / ``bank:east``; the bank cues of `tracker.cues`, so a bank of another
river is recognised and is no Euphrates scope) or an admin unit ("في ريف حماة" -> ``adm:SY05``).

An *end of presence* ("لينتهي بذلك وجود داعش في المنطقة", "ending IS presence in the area",
"أنهت قوات النظام وجود التنظيم على الضفة الغربية", "the last IS-held villages ... fell to
X") says the places just taken were the last ones the actor held there: the engine makes
each a ``lost`` claim of the ended actor (``besieger`` = who ended it), one exclusive group,
rule `END_RULE`, with the scope the sentence names. Intended or denied ends ("تسعى لإنهاء
وجود", "لم ينه وجود", "aims to end") are no statements.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tracker.arabic import normalize
from tracker.cues import bank_cue
from tracker.extract.doc import Doc, spans_in
from tracker.extract.words import WordClasses

__all__ = ["END_RULE", "EndOfPresence", "find_ends", "scope_of"]

#: Evidence rule of end-of-presence claims.
END_RULE = "end_of_presence"

_END_VERBS = frozenset(normalize(w) for w in (
    "إنهاء", "أنهت", "أنهى", "ينهي", "تنهي", "انتهاء", "ينتهي", "تنتهي", "لينتهي", "لتنتهي",
    "انتهى", "انتهت", "بانتهاء", "وانتهاء", "وينتهي", "ولينتهي", "وأنهت", "وأنهى", "فأنهت"))
_PURPOSE = frozenset(normalize(w) for w in ("لإنهاء", "لانهاء", "بهدف", "وإنهاء"))
_PRESENCE = frozenset({"وجود", "تواجد", "presence"})
_EN_END = frozenset({"end", "ending", "ended", "ends"})
_ADMIN_AR = re.compile(r"(?<!\w)(?:في|ب)?\s*(?:ريف|محافظه|باديه)\s+(\S+(?:\s+\S+)?)")
_ADMIN_EN = re.compile(r"\b(?:countryside\s+of|province\s+of|in)\s+([A-Z][\w'-]+)"
                       r"(?:\s+(?:province|governorate|countryside))?")


@dataclass(frozen=True, slots=True)
class EndOfPresence:
    """An end-of-presence phrase: its sentence, its tokens, and whose presence ended."""

    sentence: int
    first: int
    last: int
    ended: str | None
    result: bool  # "وبذلك" / "thereby" / "with this": it sums up the sentence before too


def scope_of(doc: Doc, sentence: int, *, find_admin: Callable[[str], Any] | None) -> str | None:
    """``bank:east``/``bank:west`` or ``adm:<PCODE>`` named in a sentence, else None."""
    s, e = doc.sent_bounds[sentence]
    text = doc.text[doc.tokens[s].start: doc.tokens[e - 1].end]
    folded = normalize(text)
    bank = bank_cue(text)  # any river of the rivers table (tracker/cues.py)
    if bank is not None:
        river, side = bank
        if river in (None, "euphrates"):
            return f"bank:{side}"
        return None  # the store keeps Euphrates banks only: another river's bank is no scope
    if find_admin is None:
        return None
    names = [m.group(1) for m in _ADMIN_AR.finditer(folded)]
    names += [m.group(1) for m in _ADMIN_EN.finditer(text)
              if re.search(r"province|governorate|countryside", m.group(0))]
    for name in names:
        words = re.sub(r"[^\w\s'-]", " ", name).split()
        for n in range(len(words), 0, -1):
            place = find_admin(" ".join(words[:n]))
            pid = str(getattr(place, "place_id", "")) if place is not None else ""
            if pid.startswith("adm:"):
                return pid
    return None


def _actor_near(doc: Doc, lo: int, hi: int) -> str | None:
    for sp in spans_in(doc.actors, lo, hi + 1):
        a = getattr(sp.value, "actor", None)
        if a and a != "unknown":
            return str(a)
    return None


def find_ends(doc: Doc, words: WordClasses) -> list[EndOfPresence]:
    """The end-of-presence phrases of a doc (not intended, not denied)."""
    out: list[EndOfPresence] = []
    toks = doc.tokens
    for i, t in enumerate(toks):
        if not t.is_word:
            continue
        n = t.norm
        s, e = doc.sentence(i)
        if n in _END_VERBS or n in _PURPOSE:
            j = next((k for k in range(i + 1, min(e, i + 6)) if toks[k].norm in _PRESENCE), None)
            if j is None:
                continue
            if n in _PURPOSE or _negated_or_intended(doc, i, s, words):
                continue
            ended = _actor_near(doc, j + 1, j + 4)
            result = any(toks[k].norm in ("بذلك", "وبذلك", "بهذا", "وبهذا")
                         for k in range(max(s, i - 2), min(e, i + 3)))
            out.append(EndOfPresence(doc.sent_of[i], i, j, ended, result))
        elif t.latin and n == "presence":
            k = next((k for k in range(i - 1, max(s, i - 5) - 1, -1) if toks[k].norm in _EN_END),
                     None)
            if k is None or _negated_or_intended(doc, k, s, words) or (
                    k > s and toks[k - 1].norm in ("to", "the")):
                continue  # "aims to end", "at the end of"
            ended = _actor_near(doc, k + 1, i)
            result = toks[k].norm == "ending"
            out.append(EndOfPresence(doc.sent_of[i], k, i, ended, result))
        elif (t.latin and n.endswith("-held") and i > s and toks[i - 1].norm == "last"
              and i + 1 < e and words.is_a(toks[i + 1].norm, "kind")):
            ended = _actor_near(doc, i, i)
            out.append(EndOfPresence(doc.sent_of[i], i - 1, i + 1, ended, False))
    return out


def _negated_or_intended(doc: Doc, i: int, s: int, words: WordClasses) -> bool:
    for k in range(max(s, i - 4), i):
        w = doc.tokens[k].norm
        if words.is_a(w, "negation", proclitics=False) or words.is_a(w, "intent") or w in (
                "تصميم", "عزم", "aims", "plans", "seeks", "intends"):
            return True
    return False
