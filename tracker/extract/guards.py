"""Guards: small predicates that say a control phrase is not a control event here.

Each guard looks at the words around a trigger (its word lists are classes of
``tracker/data/words.csv``) and returns a reason, or None when the phrase stands:

* `negated`: a negation just before the trigger or its modal verb ("لم تتمكن من السيطرة",
  "did not capture"); "لا يزال" (still) is no negation.
* `denied`: a denial verb earlier in the clause ("نفت ... سيطرة", "denied capturing").
* `intended`: plans, attempts and aims ("تحاول السيطرة", "aims to capture", "in order to"),
  a purpose ل before a verbal noun ("لتحرير"), an English infinitive ("to capture").
* `future`: "سوف", the future prefix on a present verb ("سيسيطر"), "will".
* `conditional`: "إذا", "لو", "في حال", "if", "unless" before the trigger in its clause.
* `fire_only`: fire control ("السيطرة نارياً", "fire control over").
"""

from __future__ import annotations

import bisect

from tracker.extract.doc import Doc
from tracker.extract.grammar import Trigger
from tracker.extract.words import WordClasses

__all__ = ["NEGATION_REACH", "check", "conditional", "denied", "fire_only", "future",
           "intended", "negated"]

#: Words back from a trigger (or its modal) a negation may stand.
NEGATION_REACH = 4
#: Words back from a trigger an intent or condition may stand (within the clause).
INTENT_REACH = 6
_MODALS = ("تمكن", "استطاع", "يستطيع", "تستطيع", "نجح", "نجحت", "قدر", "able", "managed",
           "succeeded")
#: Verbs whose ل-complement happened ("اضطر داعش للانسحاب": was forced to withdraw).
_FORCED = ("اضطر", "واضطر", "اجبر", "واجبر", "دفع", "ودفع", "ارغم")
#: English verbs after which an infinitive happened ("managed to take").
_EN_ACHIEVED = frozenset({"managed", "succeeded", "able", "went", "proceeded", "used", "moved"})
#: Particles after which a present verb is subjunctive (not an event that happened).
_SUBJUNCTIVE = frozenset({"ان", "كي", "لكي", "حتي", "لن", "ولن", "لئلا"})
_EN_BASE = frozenset({"capture", "take", "retake", "seize", "recapture", "liberate", "regain",
                      "control", "clear", "storm", "enter", "besiege", "encircle", "hold",
                      "secure", "overrun", "drive", "expel", "push"})


def _words_before(doc: Doc, i: int, n: int, lo: int) -> list[int]:
    """Up to n word tokens before i (an actor's name counts as one word), back to lo."""
    out = []
    j = i - 1
    while j >= lo and len(out) < n:
        t = doc.tokens[j]
        sp = doc.actor_at.get(j)
        if sp is not None:
            # an actor's name, and its alias in brackets or quotes beside it, is one word
            k = sp.first - 1
            while k >= lo and (not doc.tokens[k].is_word or (
                    doc.actor_at.get(k) is not None)):
                if doc.actor_at.get(k) is not None:
                    k = doc.actor_at[k].first
                k -= 1
            out.append(sp.first)
            j = k
            continue
        if t.is_word:
            out.append(j)
        elif t.text in (".", "؟", "?", "!", ";", "؛"):
            break
        j -= 1
    return out


def _modal_start(doc: Doc, i: int, lo: int) -> int:
    """Where the verb chain of trigger i begins ("لم تتمكن القوات من السيطرة": تتمكن)."""
    for j in _words_before(doc, i, 5, lo):
        n = doc.tokens[j].norm
        if any(m in n for m in _MODALS):
            return j
    return i


def _present_main_verb(doc: Doc, lo: int, hi: int) -> bool:
    """The clause before `hi` is led by a present verb ("وتدور اشتباكات ... قبل أن"), so a
    "before" after it looks ahead; after a past one ("وأرغم ... قبل أن") it tells what
    happened next."""
    for j in range(lo, min(hi, lo + 4)):
        t = doc.tokens[j]
        if not t.is_word or t.latin:
            continue
        n = t.norm[1:] if t.norm[:1] in ("و", "ف") and len(t.norm) > 3 else t.norm
        return n[:1] in ("ي", "ت") and len(n) >= 4 and not n.startswith(("تم", "تقدم", "تراجع"))
    return False


def negated(doc: Doc, trig: Trigger, words: WordClasses, lo: int) -> str | None:
    d = doc
    for start in {trig.first, _modal_start(d, trig.first, lo)}:
        before = _words_before(d, start, NEGATION_REACH, lo)
        for k, j in enumerate(before):
            n = d.tokens[j].norm
            verb = d.tokens[j + 1] if j + 1 < start else None
            if verb is not None and not verb.latin and n in ("لم", "ولم", "لن", "ولن") and (
                    j + 1 not in d.actor_at) and not any(m in verb.norm for m in _MODALS) and (
                    verb.norm[:1] in ("ي", "ت", "ن")):
                continue  # "لم تمض ساعات على سيطرة ...": the negation is of another verb
            if words.is_a(n, "negation", proclitics=False) or (
                    not d.tokens[j].latin and n[:1] in ("و", "ف")
                    and words.is_a(n[1:], "negation", proclitics=False)):
                # "لا يزال" / "ما زال": still, not a negation
                nxt = d.tokens[before[k - 1]].norm if k else d.tokens[start].norm
                if words.is_a(nxt, "still"):
                    continue
                if n in ("no", "not") and nxt == "longer":
                    return "no longer"
                return f"negation {d.tokens[j].text!r}"
            if n.endswith("n't"):
                return f"negation {d.tokens[j].text!r}"
    return None


def denied(doc: Doc, trig: Trigger, words: WordClasses, lo: int) -> str | None:
    for j in range(lo, trig.first):
        t = doc.tokens[j]
        if t.is_word and words.is_a(t.norm, "denial"):
            return f"denial {t.text!r}"
        if t.is_word and t.norm == "لا" and j + 1 < trig.first and doc.tokens[j + 1].norm in (
                "صحه", "صحة"):
            return "denial 'لا صحة'"
    return None


def _expect_marks(doc: Doc, words: WordClasses) -> list[tuple[int, str]]:
    """``(token, "expectation" | "intent")`` for every expectation word and every intent
    phrase of two or more words in the doc, in order (one scan per doc, kept in its memo)."""
    key = ("guards.expect", id(words))
    got = doc.memo.get(key)
    if got is None:
        got = []
        toks = doc.tokens
        for j, t in enumerate(toks):
            if t.is_word and words.is_a(t.norm, "expect"):
                got.append((j, "expectation"))
            elif words.match_words(doc.norms, j, "intent", end=j + 3) > 1:
                got.append((j, "intent"))
        doc.memo[key] = got
    return got  # type: ignore[no-any-return]


def intended(doc: Doc, trig: Trigger, words: WordClasses, lo: int) -> str | None:
    d = doc
    t = d.tokens[trig.first]
    for j in _words_before(d, trig.first, INTENT_REACH, lo):
        n = d.tokens[j].norm
        if words.is_a(n, "intent"):
            return f"intent {d.tokens[j].text!r}"
    s, _ = d.sentence(trig.first)
    marks = _expect_marks(d, words)
    k = bisect.bisect_left(marks, (s,))
    if k < len(marks) and marks[k][0] < trig.first:
        j, kind = marks[k]
        return f"{kind} {d.tokens[j].text!r}"  # "يتوقع ناشطون أن ... قبل أن تسيطر"
    forced = any(d.tokens[j].norm.startswith(_FORCED) for j in _words_before(d, trig.first, 3, lo))
    if not t.latin and trig.frame.pos in ("noun", "verb") and t.norm.startswith("ل") and len(
            t.norm) >= 4 and not any(t.norm == form[0] for form in trig.frame.forms) and not (
            trig.last + 1 < len(d) and d.tokens[trig.last + 1].norm in ("بذلك", "بهذا")
            ) and not forced:
        return "purpose ل"  # "لتحرير": in order to (but "لتسيطر بذلك": thereby)
    if t.latin and trig.first > lo:
        prev = d.tokens[trig.first - 1]
        before = d.tokens[trig.first - 2].norm if trig.first - 2 >= lo else ""
        if prev.norm == "to" and t.norm in _EN_BASE and before not in _EN_ACHIEVED:
            return "infinitive"  # "to capture" (but "managed to take": it happened)
    return None


def future(doc: Doc, trig: Trigger, words: WordClasses, lo: int) -> str | None:
    d = doc
    t = d.tokens[trig.first]
    if not t.latin and trig.frame.pos == "verb" and t.norm[:1] == "س" and len(t.norm) > 4 and (
            t.norm[1:2] in ("ي", "ت", "ن")) and not any(
            t.norm == form[0] or (form[0].endswith("*") and t.norm.startswith(form[0][:-1]))
            for form in trig.frame.forms):
        return "future prefix"
    for j in _words_before(d, trig.first, 3, lo):
        n = d.tokens[j].norm
        if words.is_a(n, "future") and n not in ("المقبل", "المقبله", "القادم", "القادمه"):
            return f"future {d.tokens[j].text!r}"
    # "قبل أن تتمكن قسد من السيطرة", "حتى تسيطر": a present verb after a subjunctive
    # particle is not (yet) an event
    for j in _words_before(d, trig.first, 6, lo):
        n = d.tokens[j].norm
        after_before = j > 0 and d.tokens[j - 1].norm in ("قبل", "وقبل")
        if n in _SUBJUNCTIVE and j + 1 < len(d) and not (
                j > 0 and d.tokens[j - 1].norm in ("بعد", "وبعد", "منذ")) and not (
                after_before and not _present_main_verb(d, lo, j - 1)):
            nxt = d.tokens[j + 1].norm
            # a present verb ("تتمكن", "يسيطر", "تستعيد"), not a past one of the same
            # shape ("تمكن", "تقدم"); the trigger itself when its frame is a present one
            if not d.tokens[j + 1].latin and len(nxt) > 3 and (
                    nxt[:1] == "ي" or nxt.startswith(("تت", "تست", "نت", "نست")) or (
                        j + 1 == trig.first and trig.frame.status == "held")):
                return f"subjunctive {d.tokens[j].text!r}"
        if n in ("قد", "وقد") and j + 1 == trig.first and trig.frame.status == "held":
            return "possibility 'قد'"  # "وقد تسيطر قسد": may take
    # "... قريبا", "... next week": a future time word later in the clause
    _, e = d.sentence(trig.first)
    for j in range(trig.last + 1, min(e, trig.last + 12)):
        tk = d.tokens[j]
        if not tk.is_word:
            if tk.text in ("،", ",", ";", "؛"):
                break
            continue
        if tk.norm in ("قريبا", "soon", "tomorrow", "غدا"):
            return f"future {tk.text!r}"
    return None


def conditional(doc: Doc, trig: Trigger, words: WordClasses, lo: int) -> str | None:
    for j in _words_before(doc, trig.first, INTENT_REACH, lo):
        t = doc.tokens[j]
        if words.is_a(t.norm, "conditional"):
            return f"condition {t.text!r}"
        if t.norm == "حال" and j > 0 and doc.tokens[j - 1].norm == "في":
            return "condition 'في حال'"
    return None


def fire_only(doc: Doc, trig: Trigger, words: WordClasses, lo: int) -> str | None:
    d = doc
    hi = min(d.sentence(trig.first)[1], trig.last + 4)
    for j in range(max(lo, trig.first - 3), hi):
        t = d.tokens[j]
        if not t.is_word:
            continue
        if words.match_words(d.norms, j, "fire", end=j + 3):
            if t.norm in ("رحمه",) and trig.frame.status not in ("held",):
                continue
            return f"fire control {t.text!r}"
    return None


_GUARDS = (negated, denied, intended, future, conditional, fire_only)


#: Relative pronouns: the clause they open states a fact of its own ("بهدف استعادتها من
#: التنظيم الذي يسيطر عليها": the holding is not part of the aim).
_RELATIVES = frozenset({"الذي", "التي", "الذين", "اللذين", "اللتين", "اللذان", "اللتان",
                        "اللواتي", "which", "who"})


#: "after" right before a verbal noun: the event it names has happened.
_AFTER = frozenset({"بعد", "وبعد", "عقب", "وعقب", "اثر", "واثر", "after", "following"})


def check(doc: Doc, trig: Trigger, words: WordClasses, lo: int) -> str | None:
    """The first guard that holds for the trigger (its reason), else None.

    The guards look back to `lo`, the clause start, and no further than a relative pronoun
    that opens the trigger's own clause ("... الذي يسيطر عليها").
    """
    for j in range(trig.first - 1, max(lo, trig.first - 4) - 1, -1):
        if not doc.tokens[j].is_word:
            break
        n = doc.tokens[j].norm
        if n in _RELATIVES or (n[:1] in ("و", "ف") and n[1:] in _RELATIVES):
            lo = j + 1
            break
    j = trig.first - 1
    if j >= lo and doc.tokens[j].is_word and doc.tokens[j].norm in _AFTER:
        lo = j  # "في محاولة للسيطرة عليه، بعد تقدمه في P": what came before is a fact
    description = trig.frame.pos == "participle" and trig.frame.status == "held"
    for g in _GUARDS:
        if description and g in (intended, future, conditional):
            continue  # "ready to enter P, held by X": the holding is a fact of the description
        why = g(doc, trig, words, lo)
        if why is not None:
            return why
    return None
