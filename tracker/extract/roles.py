"""Who does what: the actors in the roles of a control phrase.

Roles come from where an actor stands, not from sentence-specific windows:

* ``subject``: the actor right after the trigger (Arabic verb-subject order, or the genitive
  after a verbal noun: "سيطرة قوات X على"), else the nearest actor before the trigger in its
  clause (subject-verb order; "X backed by Y" skips Y; an actor after ``ضد``/``من``/"against"
  is no subject), else a pronoun or dropped subject taken from the previous clause or sentence
  of the same paragraph (the last actor that was a subject there).
* ``agent``: the actor after the phrase, through بيد / على يد / من قبل / لصالح / "by" / "to".
* ``object``: the actor right after the verb and its subject ("طردت القوات التنظيم من").
* ``from``: the actor after من / "from" / "of" / على حساب once the places are read.
"""

from __future__ import annotations

import itertools

from tracker.arabic import reading_in
from tracker.extract.doc import Doc, spans_from, spans_in
from tracker.extract.words import WordClasses

__all__ = ["Roles", "actor_of"]

#: Tokens between a trigger and an actor right after it (adverbs, dates).
NEAR_AFTER = 4
#: Tokens back from a trigger to look for its subject.
BACK = 30
#: Generic force nouns that may stand between a verb and the actor's name
#: ("سيطرت ميليشيا وحدات حماية الشعب", "captured by fighters of the SDF").
_FORCE_WORDS = frozenset({"ميليشيا", "مليشيا", "ميليشيات", "مليشيات", "قوات", "عناصر", "مقاتلو",
                          "مقاتلي", "مسلحو", "مسلحي", "فصائل", "فصيل", "وحدات", "كتائب", "خلايا",
                          "مجموعات", "اخر", "آخر", "بقيه", "فلول", "باقي", "تنظيم", "جماعه",
                          "متبقيتين", "متبقيه", "المتبقيه", "متبقين", "المتبقين", "متبقيين",
                          "fighters", "forces", "militants", "troops", "units",
                          "militia", "militias", "elements", "members", "soldiers"})
#: "belonging to", "loyal to": the actor after them owns the force before them.
_BELONGING = frozenset({"تابعه", "التابعه", "تابع", "التابع", "تابعين", "التابعين", "تابعون",
                        "مواليه", "المواليه", "موالين", "الموالين", "موالون", "موالي"})
#: Verbal nouns of a loss whose genitive actor is no subject of the clause's verbs.
_LOSS_NOUNS = frozenset({"انسحاب", "الانسحاب", "خروج", "طرد", "هزيمه", "اندحار", "فرار",
                         "هروب", "تراجع", "withdrawal", "retreat", "defeat", "expulsion"})
_DEMONSTRATIVES = frozenset({"هذه", "هذا", "تلك", "ذلك", "هاته", "these", "those", "the"})
_ADVERBS = frozenset({"اليوم", "امس", "مجددا", "مجدد", "الان", "حاليا", "مؤخرا", "فجر", "صباح",
                      "مساء", "ليل", "ظهر", "عصر", "يوم", "ليله", "بالكامل", "كاملا", "تماما",
                      "again", "now", "fully", "completely", "reportedly", "also", "finally",
                      "today", "yesterday", "recently", "have", "has", "had", "already",
                      "قد", "لقد", "ايضا", "بدورها", "بدوره", "بشكل", "كامل", "شبه", "عليها",
                      "عليه", "منها", "منه", "ثانيه", "مره", "اخري"})


def actor_of(span_value: object) -> str:
    return str(getattr(span_value, "actor", "unknown"))


#: Words of speaking: the actor next to one is the speaker of a quote in the sentence.
_SPEECH_WORDS = frozenset({"said", "says", "told", "spokesman", "spokeswoman", "commander",
                           "official", "قال", "وقال", "قالت", "وقالت", "اكد", "واكد", "اعلن",
                           "واعلن", "متحدث", "المتحدث", "قائد", "القائد", "مسؤول", "قيادي"})

#: Relative pronouns whose clause, once closed by a comma, holds no subject of the main verb.
_CLOSED_RELATIVES = frozenset({"who", "which", "التي", "والتي", "الذي", "والذي", "الذين",
                               "والذين"})


class Roles:
    """Finds the actors of each role in a doc, remembering each paragraph's last subject."""

    def __init__(self, doc: Doc, words: WordClasses) -> None:
        self.doc = doc
        self.words = words
        self._last_subject: dict[int, tuple[int, str]] = {}  # paragraph -> (token, actor)
        self._last_any: tuple[int, str] | None = None  # the report's last subject
        self._clause_starts: dict[int, int] = {}

    # ------------------------------------------------------------------ helpers

    def _clause_start(self, i: int) -> int:
        got = self._clause_starts.get(i)
        if got is None:
            got = self._clause_starts[i] = self._find_clause_start(i)
        return got

    def _find_clause_start(self, i: int) -> int:
        s, _ = self.doc.sentence(i)
        d = self.doc
        j = i - 1
        while j >= s and i - j <= BACK:
            t = d.tokens[j]
            if t.is_word and self.words.is_a(t.norm, "opener", proclitics=True) and j + 1 <= i:
                return j + 1
            j -= 1
        return max(s, i - BACK)

    def _object_position(self, first: int) -> bool:
        """An actor whose span starts at `first` stands after ضد/من/against/with...?"""
        d = self.doc
        p = first - 1
        while p >= 0 and ((not d.tokens[p].is_word and d.tokens[p].text in ("\"", "“", "«", "("))
                          or (d.tokens[p].is_word and d.tokens[p].norm in _FORCE_WORDS
                              and p > 0 and d.tokens[p - 1].is_word)):
            p -= 1  # "على حساب عناصر pyd": past the force word to the preposition
        if p < 0:
            return False
        n = d.tokens[p].norm
        if n in ("التابع", "التابعه", "التابعين", "تابع", "تابعه", "الموالي", "الموالية",
                 "الموالين", "الموالية", "belonging", "loyal"):
            return False  # "حرس الحدود التابع لقوات النظام": the force belongs to the actor
        if self.words.is_a(n, "object", proclitics=False) or self.words.is_a(n, "helper"):
            return True
        if self._loss_noun(p):
            return True  # "استغلت الوحدات انسحاب الثوار": the genitive of a verbal noun
        if n in ("the", "a", "its", "their") and p > 0:
            n2 = d.tokens[p - 1].norm
            return self.words.is_a(n2, "object", proclitics=False) or self.words.is_a(
                n2, "helper")
        return self._glued(first)

    def _loss_noun(self, i: int) -> bool:
        return reading_in(self.doc.tokens[i].norm, _LOSS_NOUNS) is not None

    def _glued(self, first: int) -> bool:
        """A preposition glued to the actor's first word: "لقسد", "بالجيش"."""
        t = self.doc.tokens[first]
        return not t.latin and t.norm[:1] in ("ل", "ب") and not t.norm.startswith(
            ("لواء", "لجان"))

    def _helper_before(self, first: int, lo: int) -> bool:
        """An actor after "backed by", "بدعم من", "إلى جانب" (within 4 tokens)."""
        d = self.doc
        for p in range(max(lo, first - 4), first):
            if d.tokens[p].is_word and self.words.is_a(d.tokens[p].norm, "helper"):
                return True
        # "المدعمة بالقوات الخاصة الأميركية وطائرات التحالف": the second of the helpers, after
        # "و" + an air-force word
        prev = d.tokens[first - 1].norm if first - 1 >= lo else ""
        if prev in ("وطايرات", "وطيران", "وطايره", "and"):
            return any(d.tokens[p].is_word and self.words.is_a(d.tokens[p].norm, "helper")
                       for p in range(max(lo, first - 8), first - 1))
        return False

    def actors_between(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """``(first, last, actor)`` of actor spans starting in ``[lo, hi)``."""
        return [(sp.first, sp.last, actor_of(sp.value)) for sp in spans_in(self.doc.actors, lo, hi)]

    def after(self, i: int, *, limit: int, reach: int = NEAR_AFTER) -> tuple[int, int, str] | None:
        """The actor that begins within `reach` words after token i (adverbs, dates aside)."""
        d = self.doc
        j = i + 1
        seen = 0
        while j < limit and seen <= reach:
            sp = d.actor_at.get(j)
            if sp is not None and sp.first == j:
                return sp.first, sp.last, actor_of(sp.value)
            t = d.tokens[j]
            if j in d.date_at:
                j = d.date_at[j].last + 1
                continue
            if not t.is_word:
                if t.text in ("\"", "“", "«", "(", "-", "،", ","):
                    j += 1
                    continue
                return None
            if t.norm in ("ما", "تبقي") or (t.norm == "من" and j > 0 and d.tokens[j - 1].norm in (
                    "تبقي", "بقيه", "فلول")) or (t.norm == "من" and j + 1 < limit
                                                and d.tokens[j + 1].norm == "قبل"):
                j += 1  # "ما تبقى من عناصر التنظيم"
                continue
            if t.norm in _BELONGING:
                j += 1  # "خلايا تابعة لتنظيم الدولة": cells of the group
                seen += 1
                continue
            if t.norm in _ADVERBS or reading_in(t.norm, _FORCE_WORDS) is not None or (
                    self.words.is_a(t.norm, "agent", proclitics=False)) or (
                    t.norm in ("the", "قبل", "يد", "ايدي", "by", "to", "of")):
                j += 1
                seen += 1
                continue
            return None
        return None

    # ------------------------------------------------------------------ roles

    def subject(self, first: int, last: int, *, pos: str, place_start: int | None,
                limit: int) -> tuple[str, bool] | None:
        """``(actor, inferred)``: the subject of the trigger at tokens ``first..last``."""
        d = self.doc
        t = d.tokens[first]
        lo = self._clause_start(first)
        # "وفرضت هذه القوات سيطرتها", "these forces took": the last subject named before
        demo = self._demonstrative_subject(first, last, limit)
        if demo is not None:
            return demo, True
        speaker = self._speaker_subject(first, last, limit)
        if speaker is not None:
            return speaker, True
        # verb-subject order / genitive agent: the actor right after the trigger
        hi = place_start if place_start is not None else limit
        if not t.latin or pos == "noun":
            got = self.after(last, limit=min(limit, hi + 1) if hi > last else limit)
            if got is not None and (not self._object_position(got[0]) or (
                    (pos == "noun" or self._loss_noun(first)) and not self._glued(got[0]) and all(
                        not d.tokens[k].is_word or d.tokens[k].norm in _FORCE_WORDS
                        for k in range(last + 1, got[0]))) or (
                    pos == "noun" and got[0] == last + 1 and self._glued(got[0])
                    and d.tokens[got[0]].norm.startswith("ل"))):
                # "انسحاب للمسلحين": ل after a verbal noun marks its agent
                self._remember(first, got[2])
                return got[2], False
        # "استعادت P من التنظيم والتي كان قد سيطر عليها": the relative clause's dropped
        # subject is the side named just before the relative pronoun, after "من"
        rel = self._from_actor_before_relative(first)
        if rel is not None:
            return rel, True
        # subject-verb order: the nearest actor before the trigger in its clause
        cands = [a for a in self.actors_between(lo, first)
                 if not self._object_position(a[0]) and not self._helper_before(a[0], lo)
                 and not self._in_aside(a[0], first)
                 and not self._in_closed_relative(a[0], lo, first)]
        if cands and not t.latin and self._unknown_group_before(first, cands[-1][1] + 1):
            return None  # "تقدمت قسد، ما اضطر عناصر الفصيل للانسحاب": another, unnamed group
        if cands:
            # the nearest actor before the verb ("backed by X" and "against Y" are skipped)
            actor = cands[-1][2]
            self._remember(first, actor)
            return actor, False
        # English passive with "by" right after: the agent is the subject
        if t.latin:
            got = self.after(last, limit=limit, reach=2)
            if got is not None and d.tokens[got[0] - 1].norm == "by":
                return got[2], False
        # "After clearing P, SDF fighters ...", "Capturing P comes after the army ...": a
        # gerund with nothing before it takes the actor of the clause that follows
        if t.latin and t.norm.endswith("ing"):
            s, e = d.sentence(first)
            for sp in spans_in(d.actors, last + 1, e):
                if not self._object_position(sp.first) and not self._helper_before(sp.first, s):
                    return actor_of(sp.value), True
        # a group the lexicon does not know stands in the subject's place ("ما اضطر عناصر
        # الفصيل للانسحاب"): no actor rather than a wrong one
        if not t.latin and self._unknown_group_before(first, lo):
            return None
        # dropped or pronoun subject: the paragraph's last subject, else the last actor named
        inferred = self.antecedent(first)
        if inferred is not None:
            return inferred, True
        return None

    def _in_closed_relative(self, a: int, lo: int, first: int) -> bool:
        """The actor at `a` stands in a relative clause closed by a comma before the verb
        ("Army units, who pushed the militants back ..., restored", "القوات، التي طردت
        التنظيم من ...، سيطرت"): it is not the verb's subject."""
        d = self.doc
        rel = None
        for j in range(a - 1, max(lo, a - 20) - 1, -1):
            n = d.tokens[j].norm
            if n in _CLOSED_RELATIVES:
                rel = j
                break
            if not d.tokens[j].is_word and d.tokens[j].text in ("،", ","):
                return False
        if rel is None or not self.actors_between(max(lo, rel - 6), rel):
            return False
        return any(not d.tokens[k].is_word and d.tokens[k].text in ("،", ",")
                   for k in range(a + 1, first))

    def _from_actor_before_relative(self, first: int) -> str | None:
        d = self.doc
        s, _ = d.sentence(first)
        for j in range(first - 1, max(s, first - 4) - 1, -1):
            t = d.tokens[j]
            if j in d.actor_at:
                return None  # the relative clause names its own subject
            if t.norm in ("التي", "والتي", "الذي", "والذي", "الذين", "والذين", "who"):
                k = j - 1
                while k > s and not d.tokens[k].is_word:
                    k -= 1
                sp = d.actor_at.get(k)
                if sp is None:
                    return None
                if t.norm in ("الذين", "والذين", "who"):
                    return actor_of(sp.value)  # "مع المسلحين الذين كانوا قد استولوا عليها"
                b = sp.first - 1
                while b > s and d.tokens[b].norm in _FORCE_WORDS:
                    b -= 1  # "من تنظيم داعش"
                if b >= s and d.tokens[b].norm == "من":
                    return actor_of(sp.value)
                return None
        return None

    def _in_aside(self, a: int, first: int) -> bool:
        """The actor at token a stands inside an aside that closes before the trigger: "X - a
        coalition of Y and Z - seized", "X (backed by Y) took"."""
        d = self.doc
        s, _ = d.sentence(first)
        dashes = ("-", "–", "—")
        close = next((k for k in range(a + 1, first) if d.tokens[k].text in (")", *dashes)), None)
        if close is None:
            return False
        want = ("(",) if d.tokens[close].text == ")" else dashes
        opening = next((k for k in range(a - 1, max(s, a - 25) - 1, -1)
                        if d.tokens[k].text in want), None)
        if opening is None:
            return False
        sp = d.actor_at.get(a)
        # "X (SDF) seized": an alias in brackets is the actor itself, no aside
        return not (sp is not None and sp.first == opening + 1 and sp.last == close - 1)

    def people_subject(self, first: int, last: int, limit: int) -> bool:
        """The verb's subject is people or vehicles, not a force: the noun right before an
        English verb, or right after an Arabic one, is a "people" word."""
        d = self.doc
        if d.tokens[first].latin:
            k = first - 1
            while k >= 0 and d.tokens[k].is_word and d.tokens[k].norm in (
                    "have", "has", "had", "were", "was", "also", "finally", "reportedly"):
                k -= 1
        else:
            k = last + 1
        return 0 <= k < limit and d.tokens[k].is_word and k not in d.actor_at and self.words.is_a(
            d.tokens[k].norm, "people")

    def _speaker_subject(self, first: int, last: int, limit: int) -> str | None:
        """"our forces have taken P," the SDF spokesman said / "سيطرنا على P" قال قائد في X:
        a first-person subject is the side of the one speaking in the sentence."""
        d = self.doc
        t = d.tokens[first]
        if t.latin:
            before = [d.tokens[k].norm for k in range(max(0, first - 3), first)
                      if d.tokens[k].is_word]
            first_person = "we" in before[-2:] or (
                "our" in before and before[-1] in ("forces", "fighters", "troops", "units",
                                                   "men", "have", "had"))
        else:
            first_person = t.norm.endswith("نا") and len(t.norm) > 4 and not t.norm.endswith(
                ("تنا", "هنا"))  # "سيطرنا", "حررنا"
        if not first_person or first in d.actor_at:
            return None
        s, e = d.sentence(first)
        for sp in spans_in(d.actors, s, e):
            for k in range(max(s, sp.first - 4), min(e, sp.last + 5)):
                if d.tokens[k].is_word and d.tokens[k].norm in _SPEECH_WORDS:
                    return actor_of(sp.value)
        return None

    def _demonstrative_subject(self, first: int, last: int, limit: int) -> str | None:
        """The subject a demonstrative force phrase ("هذه القوات", "these forces") right after
        (Arabic) or before (English) the trigger points back to."""
        d = self.doc
        if d.tokens[first].latin:
            span = range(max(0, first - 3), first)
        else:
            span = range(first + 1, min(limit, last + 4))  # "سيطرت عليها هذه القوات"
        ks = [k for k in span if d.tokens[k].is_word]
        for a, b in itertools.pairwise(ks):
            if b != a + 1 or d.tokens[a].norm not in _DEMONSTRATIVES:
                continue
            n = d.tokens[b].norm
            n = n[2:] if n.startswith("ال") else n
            if (n in _FORCE_WORDS or n in ("قوات", "فصائل", "ميليشيات")) and b not in d.actor_at:
                return self._first_subject_before(first)
        return None

    def _first_subject_before(self, i: int) -> str | None:
        """The first subject-position actor of the nearest sentence before token i that names
        one (news sentences open with their subject)."""
        d = self.doc
        s, _ = d.sentence(i)
        k = s - 1
        for _ in range(3):
            if k < 0:
                return None
            ps, _ = d.sentence(k)
            cands = [a for a in self.actors_between(ps, k + 1)
                     if not self._object_position(a[0]) and not self._helper_before(a[0], ps)]
            if cands:
                return cands[0][2]
            k = ps - 1
        return None

    def subject_before(self, first: int) -> str | None:
        """The nearest subject-position actor before the trigger in its clause, or for a verb
        joined by و, the clause before's subject."""
        d = self.doc
        lo = self._clause_start(first)
        cands = [a for a in self.actors_between(lo, first)
                 if not self._object_position(a[0]) and not self._helper_before(a[0], lo)]
        if cands:
            return cands[-1][2]
        if d.tokens[first].norm.startswith("و"):
            got = self._last_subject.get(d.para(first))
            if got is not None and got[0] < first:
                return got[1]
        return None

    def _unknown_group_before(self, first: int, lo: int) -> bool:
        """A force word ("عناصر", "مقاتلو", "fighters") with no actor named after it stands
        within the few words before the trigger."""
        d = self.doc
        for j in range(max(lo, first - 4), first):
            t = d.tokens[j]
            if not t.is_word or t.norm not in _FORCE_WORDS or j in d.actor_at:
                continue
            if any(k in d.actor_at for k in range(j + 1, min(first, j + 3))):
                continue
            if j + 1 < first and d.tokens[j + 1].norm in ("الاخير", "الاخيره", "الاخيرين"):
                continue  # "مقاتلي الأخير": the latter, named before
            if t.norm in ("اخر", "آخر", "تنظيم", "جماعه", "قوات", "forces", "troops"):
                continue
            return True
        return False

    def _remember(self, i: int, actor: str) -> None:
        self._last_subject[self.doc.para(i)] = (i, actor)
        self._last_any = (i, actor)

    def antecedent(self, i: int) -> str | None:
        """The actor a dropped or pronoun subject at token i stands for."""
        d = self.doc
        para = d.para(i)
        s, _ = d.sentence(i)
        # an actor earlier in the same sentence, not in object position
        lo = self._clause_start(i)
        before = [a for a in self.actors_between(s, i) if not self._object_position(a[0])
                  and not self._helper_before(a[0], s)]
        if before:
            return before[-1][2]
        # "الحملة العسكرية لقوات الأسد، والتي استطاعت ...": a genitive ل-actor of the sentence
        glued = [a for a in self.actors_between(s, i) if self._glued(a[0])
                 and d.tokens[a[0]].norm.startswith("ل") and not self._helper_before(a[0], lo)]
        relative = any(d.tokens[j].norm in ("التي", "الذي", "والتي", "والذي")
                       for j in range(max(s, i - 5), i))
        if glued and relative:
            return glued[-1][2]
        # "... في حين استغلت ميليشيا (X) انسحاب الثوار؛ لتفرض سيطرتها": the sentence just
        # before, when it ends with the actor's own clause
        prev_s = d.sent_of[s - 1] if s > 0 else None
        if prev_s is not None and d.para_of_sent[prev_s] == para:
            ps, _ = d.sent_bounds[prev_s]
            plo = self._clause_start(s - 1) if s - 1 > ps else ps
            last = [a for a in self.actors_between(plo, s) if not self._object_position(a[0])
                    and not self._helper_before(a[0], plo)]
            if last:
                return last[-1][2]
        got = self._last_subject.get(para)
        if got is not None and got[0] < i:
            return got[1]
        if glued:
            return glued[-1][2]
        # the previous sentences of the paragraph (then the one before it)
        for k in range(spans_from(d.actors, s) - 1, -1, -1):
            sp = d.actors[k]
            if d.para(sp.first) < para - 1:
                break
            if not self._object_position(sp.first):
                return actor_of(sp.value)
        return None

    def agent(self, last: int, *, limit: int) -> str | None:
        """The actor named after the phrase (through بيد / من قبل / by / to ...)."""
        d = self.doc
        if last + 1 < limit and d.tokens[last + 1].norm == "of" and d.tokens[last].latin:
            return None  # "were cleared of the militants": who lost it, not who took it
        got = self.after(last, limit=limit, reach=3)
        if got is not None:
            return got[2]
        return None

    def object(self, last: int, subject_end: int | None, *, limit: int) -> str | None:
        """The actor right after the verb (and after its subject when that follows the verb)."""
        start = subject_end if subject_end is not None and subject_end > last else last
        got = self.after(start, limit=limit, reach=2)
        if got is not None:
            return got[2]
        return None

    def source(self, start: int, *, limit: int) -> str | None:
        """The actor after من / from / of / على حساب, from token `start` to `limit`."""
        d = self.doc
        for j in range(start, min(limit, start + 12)):
            t = d.tokens[j]
            if not t.is_word:
                continue
            if t.norm in ("من", "from", "of", "حساب"):
                got = self.after(j, limit=limit, reach=2)
                if got is not None:
                    return got[2]
            sp = d.actor_at.get(j)
            if sp is not None and sp.first == j and t.norm.startswith("من") and len(t.norm) > 3:
                return actor_of(sp.value)  # "مِنَ التنظيم" written together
        return None

    def subject_span_after(self, last: int, limit: int) -> int | None:
        """Last token of an actor right after the trigger (to skip it before the places)."""
        got = self.after(last, limit=limit)
        return got[1] if got is not None else None
