"""The extraction engine: a report in, its dated control claims and place mentions out.

One pass: spot actors (the lexicon), dates (`tracker.dates`), known place names (the
gazetteer) and control triggers (the grammar) over the report's tokens; for each trigger that
no guard stops, read its place slot (`places`), its roles (`roles`) and its date (`dating`);
then resolve every place with the report's context and make the claims.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from tracker.arabic import normalize, reading_in
from tracker.extract import dating, guards, pockets
from tracker.extract.doc import Doc, _norm, build_doc, spans_from, spans_in
from tracker.extract.grammar import Frame, FrameMatcher, Trigger, load_frames
from tracker.extract.places import Item, Slot, parse_before, parse_slot
from tracker.extract.roles import Roles
from tracker.extract.words import WordClasses, load_words
from tracker.model import ControlClaim, Evidence, Mention, Report

__all__ = ["Extraction", "Grammar", "default_grammar", "extract"]

logger = logging.getLogger(__name__)

#: Kinds of gazetteer entries that are areas, not places a claim is about.
NON_TARGET_KINDS = frozenset({"country", "governorate", "district", "subdistrict"})
#: Words (besides actors, dates and adverbs) between a trigger and its preposition.
PREP_REACH = 8
_CONTROL_NOUNS = frozenset({"السيطره", "سيطره", "سيطرتها", "سيطرته", "سيطرتهم", "control",
                            "على", "علي", "over", "of", "on", "الكامله", "الكاملة", "التامه",
                            "full", "complete", "total", "back"})
_EXACT_REASONS = frozenset({"exact", "exact-variant", "stripped", "stripped-variant"})
_BE = frozenset({"was", "were", "been", "being", "is", "are", "be", "got"})
_PRONOUN_PREPS = {"عليها": "علي", "عليه": "علي", "عليهما": "علي", "عليهم": "علي",
                  "عنها": "عن", "عنه": "عن", "منها": "من", "منه": "من", "داخلها": "داخل",
                  "داخله": "داخل", "وسطها": "وسط", "وسطه": "وسط", "فيها": "في", "فيه": "في",
                  "اليها": "الي", "اليه": "الي"}
_OBJ_PRONOUN = re.compile(r"(?:ها|ه|هما|هم)$")  # on the surface: a ة is no pronoun
_PARTISAN_SOURCES = re.compile(r"amaq|sana\.sy|أعماق|سانا|anha|hawar|\bsana\b", re.I)
_PARTISAN_CUES = frozenset({"اعماق", "سانا", "amaq", "sana"})
_RELATIVES = frozenset({"التي", "الذي", "والتي", "والذي", "اللتين", "اللذين", "اللتان",
                        "اللذان", "which", "that"})
#: Kind words of areas: a name after them is a region, no antecedent of "the town".
_REGION_KINDS = frozenset({"ريف", "محافظه", "باديه", "ناحيه", "province", "countryside"})
#: Actors that fight on one side: a besieger's allies are not the besieged.
_SIDES: dict[str, set[str]] = {"turkey": {"sna"}, "sna": {"turkey"}}
_SIDE_OF = {"turkey": "sna"}
#: Words that end a group's name ("Euphrates Liberation Brigade").
_UNIT_WORDS = frozenset({"brigade", "brigades", "division", "front", "army", "forces", "council",
                         "corps", "battalion", "battalions", "regiment", "movement", "operation",
                         "organization", "organisation", "committee", "office", "group"})
#: Frames of a withdrawal (a loss that names no winner).
_WITHDRAWALS = frozenset({"انسحب من", "withdrew"})
#: Kind words an anaphor prefers for its antecedent ("الحي" -> a place named "حي X").
_ANAPHOR_KINDS: dict[str, frozenset[str]] = {
    "مدينه": frozenset({"مدينه", "city", "town"}), "city": frozenset({"مدينه", "city"}),
    "بلده": frozenset({"بلده", "town"}), "town": frozenset({"بلده", "town", "مدينه"}),
    "قريه": frozenset({"قريه", "village"}), "village": frozenset({"قريه", "village"}),
    "حي": frozenset({"حي", "neighbourhood", "neighborhood", "district"}),
    "neighbourhood": frozenset({"حي", "neighbourhood", "neighborhood"}),
    "neighborhood": frozenset({"حي", "neighbourhood", "neighborhood"}),
    "district": frozenset({"حي", "district"}), "منطقه": frozenset({"منطقه", "area"}),
    "مخيم": frozenset({"مخيم", "camp"}), "camp": frozenset({"مخيم", "camp"}),
}


class _Lexicon(Protocol):
    def find(self, text: str, *, context: str = "") -> list[Any]: ...


class _Gazetteer(Protocol):
    def spot(self, text: str) -> list[Any]: ...
    def resolve(self, name: str, context: Any = None) -> Any: ...
    def context_from_text(self, text: str) -> Any: ...


@dataclass(frozen=True, slots=True)
class Extraction:
    """What one report says: its control claims, every place mention, and warnings.

    `mentions` holds every place mention with its resolution status (``resolved``,
    ``ambiguous``, ``unresolved``); the last two carry their candidate place ids.
    """

    report: Report
    claims: tuple[ControlClaim, ...]
    mentions: tuple[Mention, ...]
    warnings: tuple[str, ...] = ()

    @property
    def unresolved(self) -> tuple[Mention, ...]:
        """Mentions the gazetteer could not pin to one place."""
        return tuple(m for m in self.mentions if m.status != "resolved")


@dataclass(frozen=True, slots=True)
class Grammar:
    """The frames and word classes the engine reads (both from data files)."""

    matcher: FrameMatcher
    words: WordClasses

    @property
    def frames(self) -> tuple[Frame, ...]:
        return self.matcher.frames


@lru_cache(maxsize=4)
def _grammar_for(env_phrases: str, env_words: str) -> Grammar:
    return Grammar(FrameMatcher(load_frames()), load_words())


def default_grammar() -> Grammar:
    """The bundled grammar plus ``$TRACKER_PHRASES`` / ``$TRACKER_WORDS`` (cached)."""
    from tracker.extract import grammar as g
    from tracker.extract import words as w

    return _grammar_for(os.environ.get(g.ENV_VAR, ""), os.environ.get(w.ENV_VAR, ""))


# ----------------------------------------------------------------------------- raw claims


@dataclass(slots=True)
class _Raw:
    trig: Trigger
    item: Item
    actor: str
    status: str
    fraction: float | None
    besieger: str | None
    inferred: bool
    date: dating.ClaimDate
    place_text: str
    anchor: int  # token of the item (or of its antecedent)
    group: str | None = None  # exclusive group of a pocket statement
    scope: str | None = None  # what a pocket or an end of presence covers


class _PlacePool:
    """Places by token, for the antecedent of an anaphor without a scan of the report.

    Two sources, in this order of precedence among equals: the places claims named
    (``seen``, in the order they were read) and the report's known names (in text order).
    Entries whose kind word is an area's (`_REGION_KINDS`) are left out.
    """

    def __init__(self) -> None:
        self._all: list[tuple[int, str, str, int]] = []  # (token, text, kind, order), sorted
        self._by_kind: dict[str, list[tuple[int, str, str, int]]] = {}
        self._seen = 0
        self._names = 0

    def _add(self, entry: tuple[int, str, str, int]) -> None:
        bisect.insort(self._all, entry)
        bisect.insort(self._by_kind.setdefault(entry[2], []), entry)

    def add_seen(self, first: int, text: str, kind: str) -> None:
        if kind not in _REGION_KINDS:
            self._add((first, text, kind, self._seen))
        self._seen += 1

    def add_name(self, first: int, text: str, kind: str) -> None:
        if kind not in _REGION_KINDS:
            self._add((first, text, kind, 1 << 40 | self._names))
        self._names += 1

    def between(self, lo: int, hi: int) -> list[tuple[int, str, str, int]]:
        """Entries at tokens ``[lo, hi)``: the places claims named first (as read), then
        the report's names (in text order)."""
        a = bisect.bisect_left(self._all, (lo,))
        z = bisect.bisect_left(self._all, (hi,))
        return sorted(self._all[a:z], key=lambda p: p[3])

    def last(self, lo: int, hi: int, *, kinds: frozenset[str] | None = None
             ) -> tuple[int, str, str, int] | None:
        """The greatest ``(token, text, kind)`` at tokens ``[lo, hi)`` (of `kinds`, if given)."""
        lists = [self._all] if kinds is None else [
            self._by_kind[k] for k in kinds if k in self._by_kind]
        best = None
        for lst in lists:
            z = bisect.bisect_left(lst, (hi,))
            if z and lst[z - 1][0] >= lo and (best is None or lst[z - 1][:3] > best[:3]):
                best = lst[z - 1]
        return best


class _Engine:
    def __init__(self, report: Report, gazetteer: _Gazetteer, lexicon: _Lexicon,
                 grammar: Grammar) -> None:
        from tracker.dates import find_dates

        self.report = report
        self.gaz = gazetteer
        self.g = grammar
        self.words = grammar.words
        text = report.text
        title = report.title if report.title and report.title not in text else ""
        try:
            actors = lexicon.find(text, context=title, published=report.published)
        except TypeError:  # a lexicon without dated rows
            actors = lexicon.find(text, context=title)
        try:
            try:
                dates = find_dates(text, report.published,
                                   published_precision=report.published_precision)
            except TypeError:  # an older date grammar
                dates = find_dates(text, report.published)
        except Exception:
            logger.warning("date finding failed for report %s", report.report_id, exc_info=True)
            dates = []
        names = _split_compass_names(
            text, gazetteer.spot(text), gazetteer.spot,
            lambda n: grammar.words.is_a(n, "direction", proclitics=False))
        self.doc: Doc = build_doc(
            text, actors=actors, dates=dates, names=names,
            actor_tail=lambda n: self.words.is_a(n, "actor_tail", proclitics=False))
        self.warnings = [f"date {d.text!r} at {d.start}: {d.warning}" for d in dates
                         if getattr(d, "warning", None)]
        self.roles = Roles(self.doc, self.words)
        # a trigger word inside an actor's name is no trigger ("هيئة تحرير الشام")
        self.triggers = [t for t in grammar.matcher.find(self.doc)
                         if t.first not in self.doc.actor_at]
        self.trigger_tokens = frozenset(
            i for t in self.triggers for i in range(t.first, t.last + 1)
            if t.gap is None or not t.gap[0] <= i < t.gap[1])
        self.spans = [(t.first, t.last) for t in self.triggers if t.frame.status != "none"]
        self._spans_sorted = sorted(self.spans)
        self._span_firsts = [x[0] for x in self._spans_sorted]
        self.places_seen: list[tuple[int, str, str]] = []  # (token, text, kind) in order
        self._pool: _PlacePool | None = None  # antecedents of anaphors, indexed (built lazily)
        self.consumed: set[int] = set()  # trigger heads read as another trigger's complement
        self.sieges: dict[int, str] = {}  # sentence -> the actor of a siege word in it
        self.partisan = bool(_PARTISAN_SOURCES.search(
            f"{report.publisher} {report.source_url}"))

    # ------------------------------------------------------------------ slots

    def _skip_to_object(self, t: Trigger, limit: int) -> int:
        d = self.doc
        j = t.last + 1
        subj = self.roles.subject_span_after(t.last, limit)
        if subj is not None:
            j = subj + 1
            # "دخلت القوات التركية والفصائل الموالية لها مدينة X": more subjects joined by و
            for _ in range(3):
                sp = d.actor_at.get(j)
                if sp is not None and sp.first == j:
                    j = sp.last + 1
                    while j < limit and d.tokens[j].is_word and d.tokens[j].norm in (
                            "لها", "له", "لهم", "معها", "معه"):
                        j += 1
                    continue
                if j < limit and d.tokens[j].norm in ("و", "and") and d.actor_at.get(j + 1):
                    j += 1
                    continue
                break
        for _ in range(8):
            if j >= limit:
                break
            tok = d.tokens[j]
            if j in d.date_at:
                j = d.date_at[j].last + 1
                continue
            if not tok.is_word and tok.text in ("،", ",", "\"", "“", "«", "-", "–"):
                j += 1
                continue
            if tok.is_word and (tok.norm in _CONTROL_NOUNS or tok.norm in (
                    "اليوم", "امس", "مجددا", "again", "back", "fully", "متبقيتين", "متبقيين",
                    "المتبقيه", "متبقيه", "له", "لها", "لهم", "للتنظيم")):
                # "استعاد ... السيطرة على": the noun is this verb's complement, not a trigger
                self.consumed.add(j)
                j += 1
                continue
            break
        return j

    def _find_prep(self, t: Trigger, preps: Sequence[str], limit: int) -> tuple[int, bool] | None:
        """Token after the preposition (and whether it is a pronoun form: "عليها")."""
        d = self.doc
        j = t.last + 1
        steps = 0
        while j < limit and steps < PREP_REACH:
            tok = d.tokens[j]
            if j in d.actor_at:
                j = d.actor_at[j].last + 1
                continue
            if j in d.date_at:
                j = d.date_at[j].last + 1
                continue
            if tok.is_word:
                n = tok.norm
                if n in preps or (n[:1] in ("و", "ف") and n[1:] in preps):
                    return j + 1, False
                base = _PRONOUN_PREPS.get(n) or _PRONOUN_PREPS.get(n[1:] if n[:1] in "وف" else "")
                if base is not None and base in preps:
                    return j, True
                # English two-word prepositions "out of"
                if j in self.trigger_tokens and j > t.last:
                    return None
                if n in _CONTROL_NOUNS or n in ("اليوم", "امس", "مجددا", "ايضا", "قد", "بشكل",
                                                "كامل", "تام", "ثانيه", "مره", "back", "again",
                                                "fully", "full", "also", "now", "totally"):
                    j += 1
                    continue
                if t.frame.status == "contested" and n not in preps and n not in _BE and (
                        n not in ("has", "have", "had")) and self.words.is_a(
                        n, "stop", proclitics=False):
                    return None  # "تقدم ... لتحتل مواقع في P": another phrase's place
            elif tok.text in (".", ";", "؛", "?", "؟", "!", ":"):
                return None
            elif tok.text in ("،", ",") and j + 1 < limit and d.tokens[j + 1].norm in _RELATIVES:
                # "وسيطرة قسد، التي تضم مقاتلين عرباً، على الطبقة": past the relative clause
                close = next((k for k in range(j + 2, min(limit, j + 25))
                              if d.tokens[k].text in ("،", ",")), None)
                if close is not None:
                    j = close + 1
                    continue
            if tok.is_word:
                steps += 1
            j += 1
        return None

    def _reduced_relative(self, t: Trigger, limit: int) -> Slot | None:
        """"Among the areas liberated by X were the towns of A and B", "the villages taken by
        X include A": a participle after a plural noun, its places after the verb that follows."""
        d = self.doc
        if t.first == 0 or not d.tokens[t.first].norm.endswith(("ed", "en")):
            return None
        prev = d.tokens[t.first - 1].norm
        if prev not in ("areas", "villages", "towns", "places", "positions", "neighbourhoods",
                        "neighborhoods", "districts", "sites", "localities", "points"):
            return None
        for j in range(t.last + 1, min(limit, t.last + 16)):
            n = d.tokens[j].norm
            if n in ("were", "are", "include", "included", "includes", "including"):
                slot = parse_slot(d, j + 1, self.words, limit=limit,
                                  triggers=self.trigger_tokens)
                return slot if slot.items else None
        return None

    def _english_relative(self, t: Trigger) -> Slot | None:
        """"P, which X stormed on ...": the place a relative pronoun before the subject
        stands for, when the verb has no object of its own."""
        d = self.doc
        s, _ = d.sentence(t.first)
        j = t.first - 1
        while j > s and d.tokens[j].is_word and d.tokens[j].norm in (
                "had", "has", "have", "militants", "fighters", "forces", "troops"):
            j -= 1
        sp = d.actor_at.get(j)
        if sp is None:
            return None
        k = sp.first - 1
        while k > s and d.tokens[k].is_word and d.tokens[k].norm in ("the", "militants",
                                                                     "fighters", "forces"):
            k -= 1
        if k <= s or d.tokens[k].norm not in ("which", "that"):
            return None
        p = k - 1
        if p >= s and d.tokens[p].text in (",", "،"):
            p -= 1
        if p < s or p not in d.name_cover:
            return None
        slot = parse_before(d, p + 1, self.words, triggers=self.trigger_tokens)
        return slot if slot.items else None

    def _denier_holds(self, t: Trigger, lo: int, end: int) -> list[_Raw]:
        """A denied capture ("نفى مصدر في X سيطرة Y على P", "an X source denied P had
        fallen"): the side that denies it says it still holds P."""
        d = self.doc
        at = next((j for j in range(lo, t.first) if d.tokens[j].is_word and (
            self.words.is_a(d.tokens[j].norm, "denial"))), None)
        got = self._slot(t, end)
        if at is None or got is None:
            return []
        slot, _ = got
        s, _ = d.sentence(t.first)
        denier = None
        if not d.tokens[at].latin:  # "نفى مصدر في X", "نفت X"
            words = 0
            for j in range(at + 1, t.first):
                sp = d.actor_at.get(j)
                if sp is not None and sp.first == j:
                    denier = str(getattr(sp.value, "actor", "")) or None
                    break
                if d.tokens[j].is_word:
                    words += 1
                    if words > 6 or j in self.trigger_tokens:
                        break
        if denier is None:
            before = self.roles.actors_between(max(s, at - 6), at)
            if before:
                denier = before[-1][2]  # "an X source denied", "X denied"
        if denier is None and d.tokens[at].norm.startswith(("نافي", "نفي")):
            denier = self.roles.antecedent(at)  # "نافياً", "نفيها": the subject before
        claimed, _ = self._first_role(t.frame.gainer, t, slot, "after", end, self.roles.subject(
            t.first, t.last, pos=t.frame.pos, place_start=None, limit=end))
        if denier is None or denier in ("unknown", claimed) or t.frame.status == "lost":
            return []
        date = dating.date_of(d, t.first, max(it.last for it in slot.items), triggers=[],
                              published=self.report.published,
                              published_precision=self.report.published_precision,
                              words=self.words, clause_start=lo, status="held",
                              past_verb=False)
        out = []
        for it in slot.items:
            if it.anaphor or _countryside(it.text):
                continue
            out.append(_Raw(t, it, denier, "held", None, None, True, date, it.text, it.first))
        return out

    def _partial_before_slot(self, t: Trigger, slot: Slot) -> bool:
        """A share word between the trigger and its places ("seized nearly total control of
        P", "فرضت سيطرة شبه كاملة على P"): only part of P is taken."""
        d = self.doc
        first = slot.items[0].first
        if first <= t.first:
            return False
        lo = t.gap[0] if t.gap is not None else t.last + 1
        norms = [x.norm for x in d.tokens[lo:first] if x.is_word][:12]
        if any(self.words.match_words(norms, k, "partial") for k in range(len(norms))):
            return True
        # "على مدينة P بشكل شبه كامل": the manner phrase right after the places
        end = max(it.last for it in slot.items) + 1
        after = [x.norm for x in d.tokens[end:min(len(d.tokens), end + 4)] if x.is_word]
        return bool(after) and after[0] in ("بشكل", "بصوره") and any(
            self.words.match_words(after, k, "partial") for k in range(1, len(after)))

    def _destination(self, t: Trigger, until: int) -> int | None:
        """Token after the destination word of a withdrawal ("انسحب ... باتجاه P", "withdrew
        to P") when it comes before `until` (the withdrawal's "from" phrase, if any)."""
        d = self.doc
        words = 0
        for j in range(t.last + 1, min(until, len(d.tokens))):
            tok = d.tokens[j]
            if tok.text in (".", ";", "؛", "?", "؟", "!", ":"):
                return None
            if not tok.is_word:
                continue
            if self.words.is_a(tok.norm, "destination"):
                return j + 1
            words += 1
            if words > PREP_REACH:
                return None
        return None

    def _slot(self, t: Trigger, limit: int) -> tuple[Slot, str] | None:
        """The places of a trigger: the first of its frame's slots that holds any."""
        d = self.doc
        for name, preps in t.frame.places:
            slot: Slot | None = None
            if name == "object":
                head = d.tokens[t.first]
                if not head.latin and t.frame.pos in ("verb", "noun") and _OBJ_PRONOUN.search(
                        _bare(d.tokens[t.last].text)) and t.last == t.first and (
                        self._pronoun_object(t)):
                    slot = Slot([Item(t.last, t.last, d.tokens[t.last].text, False, True,
                                      anaphor=True)], end=t.last + 1)
                else:
                    start = self._skip_to_object(t, limit)
                    slot = parse_slot(d, start, self.words, limit=limit,
                                      triggers=self.trigger_tokens)
                    if head.latin and self._passive(t):
                        before = self._passive_subject(t)
                        if before is not None and before.items:
                            return before, "passive"
                    if head.latin and not slot.items:
                        rel = self._english_relative(t) or self._reduced_relative(t, limit)
                        if rel is not None:
                            return rel, "relative"
            elif name == "after":
                found = self._find_prep(t, preps, limit)
                if t.frame.trigger in _WITHDRAWALS:
                    dest = self._destination(t, found[0] if found else limit)
                    if dest is not None:
                        slot = parse_slot(d, dest, self.words, limit=limit,
                                          triggers=self.trigger_tokens)
                        if not slot.items and found is not None and not found[1]:
                            # "باتجاه القسم الجنوبي من أحياء P": the "from" names the goal
                            slot = parse_slot(d, found[0], self.words, limit=limit,
                                              triggers=self.trigger_tokens)
                        if slot.items:
                            return slot, "to"
                if found is None:
                    continue
                k, pronoun = found
                if pronoun:
                    slot = self._relative_list(t, limit) or Slot(
                        [Item(k, k, d.tokens[k].text, False, True, anaphor=True)], end=k + 1)
                else:
                    slot = parse_slot(d, k, self.words, limit=limit, triggers=self.trigger_tokens)
            elif name == "front":
                lo = self.roles._clause_start(t.first)
                s0 = d.sentence(t.first)[0]
                for k in range(max(s0, lo), min(t.first, max(s0, lo) + 2)):
                    if d.tokens[k].is_word and d.tokens[k].norm in preps:
                        slot = parse_slot(d, k + 1, self.words, limit=t.first,
                                          triggers=self.trigger_tokens)
                        break
            elif name == "gap":
                if t.gap is None or t.gap[1] <= t.gap[0]:
                    continue
                slot = parse_slot(d, t.gap[0], self.words, limit=t.gap[1],
                                  triggers=self.trigger_tokens)
            elif name == "before":
                slot = parse_before(d, t.first, self.words, triggers=self.trigger_tokens)
                if not slot.items and self._kind_before(t.first):
                    # "villages held by X, such as A and B": the list after the agent
                    slot = self._list_after_agent(t, limit) or slot
            if slot is not None and slot.items:
                return slot, name
        return None

    def _list_after_agent(self, t: Trigger, limit: int) -> Slot | None:
        d = self.doc
        j = t.last + 1
        sp = d.actor_at.get(j) or (d.actor_at.get(j + 1) if j < limit and d.tokens[
            j].norm in ("the", "by") else None)
        if sp is None:
            return None
        k = sp.last + 1
        while k < limit and not d.tokens[k].is_word and d.tokens[k].text in ("،", ","):
            k += 1
        if k >= limit or not self.words.match_words(
                [x.norm for x in d.tokens[k:k + 4]], 0, "list_intro"):
            return None
        got = parse_slot(d, k, self.words, limit=limit, triggers=self.trigger_tokens,
                         head_kind=d.tokens[t.first - 1].norm)
        return got if got.items else None

    def _relative_list(self, t: Trigger, limit: int) -> Slot | None:
        """"القرى التي سيطرت عليها الفصائل ..., وهي قرى A وB": the places are listed after.

        When the pronoun ("عليها") stands for a plural kind noun before a relative pronoun
        ("القرى التي", "الأحياء التي"), the list that a list opener ("وهي", "هي", ":")
        introduces later in the sentence names them.
        """
        d = self.doc
        s, _ = d.sentence(t.first)
        rel = next((j for j in range(t.first - 1, max(s, t.first - 4) - 1, -1)
                    if d.tokens[j].norm in ("التي", "الذي", "والتي", "اللتين")), None)
        if rel is None or rel - 1 < s:
            return None
        head = d.tokens[rel - 1].norm
        if not (head.startswith("ال") and self.words.is_a(head[2:], "kind", proclitics=False)):
            return None
        for j in range(t.last + 1, limit):
            tok = d.tokens[j]
            if tok.is_word and (self.words.is_a(tok.norm, "list_intro", proclitics=False)
                                or tok.norm in ("وهي", "هي", "وهما", "هما")):
                slot = parse_slot(d, j, self.words, limit=limit, triggers=self.trigger_tokens,
                                  head_kind=head[2:])
                return slot if slot.items else None
            if j in self.trigger_tokens:
                return None
        return None

    def _pronoun_object(self, t: Trigger) -> bool:
        """"استعادتها" / "حررها": the suffix is the place (nothing place-like follows)."""
        d = self.doc
        nxt = t.last + 1
        if nxt < len(d) and (nxt in d.name_at or (d.tokens[nxt].is_word and (self.words.is_a(
                d.tokens[nxt].norm, "kind") or d.tokens[nxt].norm in _CONTROL_NOUNS))):
            return False  # "استعادتها السيطرة على": the suffix is the agent
        n = d.tokens[t.last].norm
        return t.frame.pos == "verb" or n.endswith(("تها", "ته", "تهما"))

    def _passive(self, t: Trigger) -> bool:
        d = self.doc
        p = t.first - 1
        been = False
        while p >= 0 and d.tokens[p].is_word and d.tokens[p].norm in (
                "fully", "completely", "reportedly", "also", "finally", "been", "newly"):
            been = been or d.tokens[p].norm == "been"
            p -= 1
        if been and p >= 0 and d.tokens[p].norm in ("has", "have", "had"):
            return True  # "has been liberated"
        if t.last + 1 < len(d) and d.tokens[t.last + 1].norm == "by" and d.tokens[
                t.first].norm.endswith("ed"):
            return True  # "towns besieged by X", "the village captured by X"
        return p >= 0 and d.tokens[p].norm in _BE and p not in d.actor_at  # "IS" the group

    def _passive_subject(self, t: Trigger) -> Slot | None:
        d = self.doc
        p = t.first - 1
        while p >= 0 and d.tokens[p].is_word and (d.tokens[p].norm in _BE or d.tokens[p].norm in (
                "fully", "completely", "reportedly", "also", "finally", "had", "has", "have")):
            p -= 1
        return parse_before(d, p + 1, self.words, triggers=self.trigger_tokens)

    # ------------------------------------------------------------------ roles

    def _role(self, role: str, t: Trigger, slot: Slot, slot_name: str, limit: int,
              subject: tuple[str, bool] | None) -> tuple[str | None, bool]:
        if role.startswith("actor:"):
            return role.split(":", 1)[1], False
        if role == "subject":
            if t.gap is not None and f_pos_verbal(t) and slot_name != "gap" and (
                    "gap" not in t.frame.loser):
                # "فرضت قسد سيطرتها على": the subject stands inside the phrase (unless the
                # gap is the loser's place: "drove the militants out of")
                for sp in spans_in(self.doc.actors, t.gap[0], t.gap[1]):
                    return str(getattr(sp.value, "actor", "")) or None, False
            if slot_name == "passive":
                got = self.roles.agent(slot.end if slot.end > t.last else t.last, limit=limit)
                if got is None:
                    # "P is besieged in the north and west by X": "by" a few words on
                    by = next((k for k in range(t.last + 1, min(limit, t.last + 9))
                               if self.doc.tokens[k].norm == "by" or self.doc.tokens[k].text in (
                                   ",", ";", ":")), None)
                    if by is not None and self.doc.tokens[by].norm == "by":
                        got = self.roles.agent(by, limit=limit)
                return got, False
            if self.doc.tokens[t.first].latin and t.frame.pos == "verb" and self._passive(t):
                # "IS was driven out of P by X": the subject is the patient; X took P
                end = slot.end if slot.end > t.last else t.last
                by = next((k for k in range(end, min(limit, end + 3))
                           if self.doc.tokens[k].norm == "by"), None)
                return (self.roles.agent(by, limit=limit) if by is not None else None), False
            if subject is None:
                return None, False
            return subject
        if role == "agent":
            if self.doc.tokens[t.first].latin and t.frame.pos in ("verb", "noun") and (
                    slot_name != "passive"):
                # English: an agent is named with "by" ("was taken by X"); the actor right
                # after an active verb is its object ("expelled IS from P")
                got = self.roles.agent(t.last, limit=limit)
                ok = got is not None and any(
                    self.doc.tokens[k].norm in ("by", "to") for k in range(t.last, min(
                        limit, t.last + 4)))
                if not ok and slot_name == "object" and slot.end > t.last + 1:
                    # "the fall of P to X", "handed P over to X": the agent follows the places
                    k = next((k for k in range(slot.end, min(limit, slot.end + 3))
                              if self.doc.tokens[k].norm in ("by", "to")), None)
                    got = self.roles.agent(k, limit=limit) if k is not None else None
                    ok = got is not None
                return (got, False) if ok else (None, False)
            got = self.roles.agent(t.last, limit=limit)
            if got is None and slot_name in ("gap",) and t.gap is not None:
                got = self.roles.agent(t.last, limit=limit)
            if got is None and d_pronoun(self.doc, t):
                return self.roles.antecedent(t.first), True
            return got, False
        if role == "other":
            # "P الخارجة عن سيطرة X": held by the side the report sets against X
            agent, _ = self._role("agent", t, slot, slot_name, limit, subject)
            return (self._main_opponent(agent), True) if agent is not None else (None, False)
        if role == "near":
            s0, _ = self.doc.sentence(t.first)
            got = self.roles.actors_between(s0, t.first)
            return (got[-1][2], True) if got else (None, False)
        if role == "gap":
            if t.gap is None:
                return None, False
            for sp in spans_in(self.doc.actors, t.gap[0], t.gap[1]):
                return str(getattr(sp.value, "actor", "")) or None, False
            return None, False
        if role == "object":
            if self.doc.tokens[t.first].latin and (slot_name == "passive" or self._passive(t)):
                return None, False  # "P is besieged by X": the actor after it is the agent
            subj_end = self.roles.subject_span_after(t.last, limit)
            return self.roles.object(t.last, subj_end, limit=limit), False
        if role == "from":
            return self.roles.source(max(slot.end, t.last + 1), limit=limit), False
        return None, False

    def _first_role(self, roles: Sequence[str], t: Trigger, slot: Slot, slot_name: str,
                    limit: int, subject: tuple[str, bool] | None) -> tuple[str | None, bool]:
        for r in roles:
            actor, inferred = self._role(r, t, slot, slot_name, limit, subject)
            if actor is not None:
                return actor, inferred
        return None, False

    # ------------------------------------------------------------------ claims

    def _record_siege(self, t: Trigger, end: int) -> None:
        d = self.doc
        f = t.frame
        by = None
        nxt = d.tokens[t.last + 1].norm if t.last + 1 < end else ""
        if f.pos == "participle" or nxt in ("by", "قبل") or (
                nxt == "من" and t.last + 2 < end and d.tokens[t.last + 2].norm == "قبل"):
            by = self.roles.agent(t.last, limit=end)  # "المحاصر من قبل قسد", "surrounded by"
        if by is None and f.pos != "participle":
            by = self.roles.subject_before(t.first)
            if by is None:
                got = self.roles.subject(t.first, t.last, pos=f.pos, place_start=None,
                                         limit=end)
                by = got[0] if got else None
        if by is not None:
            self.sieges.setdefault(d.sent_of[t.first], by)

    def _agent_word_after(self, t: Trigger, end: int) -> bool:
        """"was recaptured by the alliance of X": a taker is named, even if not understood."""
        d = self.doc
        for k in range(t.last + 1, min(end, t.last + 4)):
            n = d.tokens[k].norm
            if n in ("by", "بيد", "قبل", "يد") or (n == "على" and k + 1 < end and d.tokens[
                    k + 1].norm == "يد"):
                return True
        return False

    def _expelled_one(self, t: Trigger, slot: Slot, gainer: str | None, loser: str | None,
                      lo: int, end: int) -> bool:
        """A verb whose object is the loser ("طرد X من P") with only one actor, right after
        it and right before "من", and none before it in the clause."""
        d = self.doc
        if gainer is None or loser is not None or d.tokens[t.first].latin or (
                "object" not in t.frame.loser) or t.frame.pos != "verb":
            return False
        got = self.roles.after(t.last, limit=end)
        if got is None or got[2] != gainer or got[0] > t.last + 2:
            return False
        nxt = got[1] + 1
        if nxt >= end or d.tokens[nxt].norm != "من" or not nxt < slot.items[0].first <= nxt + 3:
            return False
        return not self.roles.actors_between(lo, t.first)

    def _past_verb(self, t: Trigger) -> bool:
        """A finite verb in the past ("حاصرت", "took"), not a participle or present state."""
        d = self.doc
        tok = d.tokens[t.first]
        if t.frame.pos != "verb" or t.frame.status == "held":
            return False
        if tok.latin:
            prev = d.tokens[t.first - 1].norm if t.first else ""
            return tok.norm.endswith(("ed", "ook", "ok", "an", "ew")) and prev not in (
                "are", "is", "remain", "remains", "being")
        n = tok.norm[1:] if tok.norm[:1] in ("و", "ف", "ث") and len(tok.norm) > 4 else tok.norm
        return not n.startswith(("ي", "ت", "م", "ا")) or n.startswith(("تم", "تقدم"))

    def _used_to(self, t: Trigger, lo: int) -> bool:
        """A past-continuous holding ("كان داعش يسيطر", "had controlled", "used to hold")."""
        d = self.doc
        for j in range(max(lo, t.first - 5), t.first):
            n = d.tokens[j].norm
            if n in ("كان", "كانت", "كانوا", "وكان", "وكانت", "used", "had"):
                return True
        return False

    def _by_agreement(self, t: Trigger) -> bool:
        """The sentence says the entry followed an agreement or met no resistance."""
        d = self.doc
        s, e = d.sentence(t.first)
        # the clause around the entry: twelve words either side, within the sentence
        before = [x.norm for x in d.tokens[s:t.first] if x.is_word][-12:]
        after = [x.norm for x in d.tokens[t.first:e] if x.is_word][:13]
        norms = before + after
        if any(self.words.match_words(norms, k, "partial") for k in range(len(norms))):
            return False  # "دخلوا المدينة وسيطروا على أجزاء منها": not all of it
        if any(self.words.match_words(norms, k, "peaceful") for k in range(len(norms))):
            return True
        # the report is the story of a handover: its title or its lead says so
        return self._handover_story

    @functools.cached_property
    def _handover_story(self) -> bool:
        d = self.doc
        lead = [x.norm for x in d.tokens[: d.sent_bounds[0][1]] if x.is_word] if (
            d.sent_bounds) else []
        title = [_norm(w) for w in re.findall(r"\w+", self.report.title or "")]
        return any(self.words.match_words(ws, k, "peaceful")
                   for ws in (title, lead) for k in range(len(ws)))

    def _in_proper_name(self, t: Trigger) -> bool:
        """A capitalised English trigger inside a sentence that is not a headline is a word of
        a name ("Euphrates Liberation Brigade")."""
        d = self.doc
        tok = d.tokens[t.first]
        if not tok.latin or not tok.upper:
            return False
        s, e = d.sentence(t.first)
        nxt = d.tokens[t.last + 1] if t.last + 1 < e else None
        if nxt is not None and nxt.is_word and nxt.upper and nxt.norm in _UNIT_WORDS:
            return True  # "Liberation Brigade", "Liberation Army": a group's name
        if t.first == s:
            return False
        words = [x for x in d.tokens[s:e] if x.is_word and x.latin and len(x.text) > 3]
        caps = sum(1 for x in words if x.upper)
        return not (words and caps / len(words) > 0.6)

    def _become(self, t: Trigger, slot_name: str) -> bool:
        d = self.doc
        lo = self.roles._clause_start(t.first)
        for j in range(max(lo, t.first - 6), t.first):
            if d.tokens[j].is_word and self.words.is_a(d.tokens[j].norm, "become"):
                return True
        return False

    def raw_claims(self) -> list[_Raw]:
        d = self.doc
        out: list[_Raw] = []
        # where each trigger's claim reaches (its slot), so a date goes to the nearest claim
        self._reach: dict[int, tuple[int, int]] = {}
        for t in self.triggers:
            if t.frame.status == "none":
                continue
            got = self._slot(t, d.sentence(t.first)[1])
            if got is not None:
                self._reach[t.first] = (t.first, max(t.last, *(it.last for it in got[0].items)))
        self.consumed.clear()
        for t in self.triggers:
            f = t.frame
            if f.status == "none" or t.first in self.consumed:
                continue
            if self._in_proper_name(t):
                continue
            _, e = d.sentence(t.first)
            lo = self.roles._clause_start(t.first)
            why = guards.check(d, t, self.words, lo)
            status = f.status
            if why == "no longer" and status == "held":
                status = "lost"
            elif why is not None:
                negated_full = why.startswith("negation") and status == "captured"
                got = self._slot(t, e) if negated_full else None
                span = range(t.gap[0], t.gap[1]) if t.gap is not None else range(0)
                if got and got[0].items:  # "لم تتمكن من فرض السيطرة الكاملة على P"
                    span = [*span, *range(t.last + 1, min(got[0].items[0].first, t.last + 5))]
                full_in_gap = any(  # "failed to get a full control of P"
                    d.tokens[k].is_word and self.words.is_a(d.tokens[k].norm, "full")
                    for k in span)
                if not (got and (got[0].full or full_in_gap)):
                    logger.debug("trigger %r at %d: %s", d.tokens[t.first].text, t.first, why)
                    if why.startswith("denial") and status in ("captured", "lost"):
                        out.extend(self._denier_holds(t, lo, e))
                    continue
                status = "contested"  # "did not take the whole of P": part of it
            got = self._slot(t, e)
            if status in ("captured", "held"):
                exc = self._exceptions(t, got[0] if got else None, e, lo)
                if exc:
                    out.extend(exc)
            if f.status == "besieged":
                # who besieges, even when the place is a pocket named elsewhere in the sentence
                self._record_siege(t, e)
            if got is None:
                continue
            slot, slot_name = got
            part_before = self._partial_before_slot(t, slot)
            first_item = slot.items[0].first
            if slot.items[0].anaphor and first_item <= t.last + 1:
                first_item = t.last  # "سيطرت عليها قسد": the subject comes after the pronoun
            if f.pos == "verb" and self.roles.people_subject(t.first, t.last, e):
                continue  # "aid convoys entered P", "خرج المدنيون من P": not a side's move
            subject = self.roles.subject(t.first, t.last, pos=f.pos,
                                         place_start=first_item if first_item > t.last else None,
                                         limit=e)
            if "object" in f.loser and subject is not None and not d.tokens[t.first].latin:
                # "قسد ... وتحاصر التنظيم في P": with a subject before the verb, the actor
                # right after it is the object
                before = self.roles.subject_before(t.first)
                after = self.roles.after(t.last, limit=e)
                if before is not None and after is not None and after[2] == subject[0] and (
                        before != subject[0]):
                    subject = (before, False)
            gainer, inf_g = self._first_role(f.gainer, t, slot, slot_name, e, subject)
            loser, inf_l = self._first_role(f.loser, t, slot, slot_name, e, subject)
            if self._expelled_one(t, slot, gainer, loser, lo, e):
                # "طرد مسلحو داعش من P": one actor between the verb and "من" is the one
                # driven out, whether the verb is passive or its subject is dropped
                gainer, loser, inf_l = None, gainer, inf_g
            if status == "captured" and gainer is None and loser is not None and not inf_l and (
                    slot_name != "to") and "subject" not in f.loser and not self._agent_word_after(
                        t, e):
                # "P was cleared of X", "X was expelled from P": X lost P, to the other side
                # the report names, else to someone unnamed
                gainer = self._other_side(t, loser)
                if gainer is None:
                    status = "lost"
                else:
                    inf_g = True
            if slot_name == "to":
                # "withdrew to P": P is held by the side that withdrew, when the text names it
                if f.pos == "noun" or d.tokens[t.first].norm.startswith(("ان", "الان")):
                    loser, inf_l = self._role("agent", t, slot, slot_name, e, subject)
                if loser is None or inf_l:
                    continue
                gainer, inf_g, loser, inf_l, status = loser, inf_l, None, False, "held"
            if gainer is not None and gainer == loser:
                loser = None
            if status == "held" and f.pos == "verb" and self._used_to(t, lo):
                continue  # "التي كان داعش يسيطر عليها": who held it before, not news
            group = None
            if status == "pocket":
                status = "held"
                group = f"{self.report.report_id}:{t.first}"
            if status == "held" and f.pos == "phrase" and group is None and self._become(
                    t, slot_name):
                status = "captured"
            if status == "contested" and f.trigger in ("دخل", "entered") and self._by_agreement(t):
                status = "captured"  # "entered P after a reconciliation deal": handed over
            base_status = status
            besieger = None
            if status == "lost":
                actor, inferred = loser, inf_l
            elif status == "besieged":
                actor, inferred, besieger = loser, inf_l, gainer
                if actor is None and gainer is not None:
                    actor = self._other_side(t, gainer)
                    inferred = True
                elif actor is None:
                    # "hundreds of IS fighters are besieged in P", "باتوا محاصرين": the side
                    # named before the siege word is inside it; with none, no side is guessed
                    before = self.roles.actors_between(lo, t.first)
                    actor = before[-1][2] if before else None  # "450 عنصرا من داعش باتوا محاصرين"
                    inferred = True
            elif status == "contested":
                actor, inferred = (gainer, inf_g) if gainer is not None else (loser, inf_l)
                if actor is None:
                    # fighting in P "between X and Y", or with the actors named around it
                    actor = self._fighting_side(t, e)
                    inferred = True
            else:
                actor, inferred = gainer, inf_g
            if actor is None or actor == "unknown":
                continue
            if actor == "coalition" and status in ("captured", "held") and f.pos != "verb":
                continue  # "أعلن التحالف السيطرة على P": it announces, its partner holds
            reach = max(t.last, max(it.last for it in slot.items))
            date = dating.date_of(d, t.first, reach,
                                  triggers=self._sentence_triggers(t.first),
                                  published=self.report.published,
                                  published_precision=self.report.published_precision,
                                  words=self.words, clause_start=lo, status=status,
                                  past_verb=self._past_verb(t))
            for it in slot.items:
                status, fraction = base_status, None
                if status in ("captured", "held") and (it.partial or part_before):
                    # part of a place; in a pocket, the part the owner still holds
                    status, fraction = ("held" if group else "contested"), it.fraction
                text, anchor = it.text, it.first
                if not it.anaphor and _countryside(text):
                    continue  # "ريف دمشق", "محافظة إدلب": a region, not a place of a claim
                if it.anaphor:
                    ante = self._antecedent_place(it, t)
                    if ante is None or _countryside(ante[1]):
                        continue
                    anchor, text = ante[0], ante[1]
                else:
                    self.places_seen.append((it.first, it.text, it.kind))
                    if self._pool is not None:
                        self._pool.add_seen(it.first, it.text, it.kind)
                out.append(_Raw(t, it, actor, status, fraction, besieger, inferred, date, text,
                                anchor, group))
                if status == "contested" and f.status == "contested":
                    for other in self._between(t, e):
                        if other != actor:
                            out.append(_Raw(t, it, other, status, fraction, None, True, date,
                                            text, anchor, group))
        out.extend(self._holder_adjectives())
        for sp in d.actors:
            if d.surface(sp.first, sp.last).lower().endswith(("-besieged", "-encircled",
                                                             "-surrounded")):
                self.sieges.setdefault(d.sent_of[sp.first], str(sp.value.actor))
        _pocket_besiegers(d, out, self.sieges)
        out.extend(self._ends_of_presence(out))
        find_admin = getattr(self.gaz, "find_admin", None)
        scopes: dict[int, str | None] = {}
        for r in out:
            if r.group and r.scope is None:
                sent = d.sent_of[r.trig.first]
                if sent not in scopes:
                    scopes[sent] = pockets.scope_of(d, sent, find_admin=find_admin)
                r.scope = scopes[sent]
        return out

    def _sentence_triggers(self, i: int) -> list[tuple[int, int]]:
        """The reaches of the triggers (not consumed) of token i's sentence: the only ones
        `dating.date_of` weighs (found by bisection, not by a scan of the report)."""
        s, e = self.doc.sentence(i)
        a = bisect.bisect_left(self._span_firsts, s)
        z = bisect.bisect_left(self._span_firsts, e)
        return [self._reach.get(x[0], x) for x in self._spans_sorted[a:z]
                if x[0] not in self.consumed]

    def _ends_of_presence(self, raw: list[_Raw]) -> list[_Raw]:
        """Each place just taken, when the sentence says it ends an actor's presence there,
        is a loss of that actor in one exclusive group (see `tracker.extract.pockets`)."""
        d = self.doc
        out: list[_Raw] = []
        find_admin = getattr(self.gaz, "find_admin", None)
        captured: dict[int, list[_Raw]] = {}  # sentence -> its captures, in order
        for r in raw:
            if r.status == "captured" and not r.group:
                captured.setdefault(d.sent_of[r.trig.first], []).append(r)
        for end in pockets.find_ends(d, self.words):
            para = d.para_of_sent[end.sentence]
            taken = captured.get(end.sentence, [])
            if not taken and end.result and end.sentence > 0 and (
                    d.para_of_sent[end.sentence - 1] in (para, para - 1)):
                taken = captured.get(end.sentence - 1, [])
            ended = end.ended
            if not taken or ended is None:
                continue
            ender = taken[-1].actor
            if ended == ender:
                continue
            scope = pockets.scope_of(d, end.sentence, find_admin=find_admin)
            trig = Trigger(_END_FRAME, end.first, end.last, None, end.first)
            group = f"{self.report.report_id}:end:{end.first}"
            seen: set[str] = set()
            for r in taken:
                if r.place_text in seen:
                    continue
                seen.add(r.place_text)
                out.append(_Raw(trig, r.item, ended, "lost", None, ender, False, r.date,
                                r.place_text, r.anchor, group, scope))
        return out

    def _holder_adjectives(self) -> list[_Raw]:
        """"ISIS-held Hajin", "regime-held Maskanah": the actor's adjective holds the place."""
        d = self.doc
        out: list[_Raw] = []
        for sp in d.actors:
            surface = d.surface(sp.first, sp.last).lower()
            if not surface.endswith(("-held", "-controlled", " held", " controlled")):
                continue
            actor = str(getattr(sp.value, "actor", ""))
            if not actor or actor == "unknown":
                continue
            nxt = d.tokens[sp.last + 1].norm if sp.last + 1 < len(d) else ""
            if nxt in ("area", "areas", "part", "parts", "districts", "neighbourhoods",
                       "neighborhoods", "territory", "territories", "pocket", "enclave"):
                continue  # "a rebel-held area of Aleppo": a part, not the whole town
            slot = parse_slot(d, sp.last + 1, self.words, triggers=self.trigger_tokens)
            if not slot.items:
                continue
            trig = Trigger(_HELD_ADJECTIVE, sp.first, sp.last, None, sp.first)
            lo = self.roles._clause_start(sp.first)
            date = dating.date_of(d, sp.first, slot.items[-1].last, triggers=[],
                                  published=self.report.published,
                                  published_precision=self.report.published_precision,
                                  words=self.words, clause_start=lo, status="held")
            for it in slot.items:
                if it.anaphor or _countryside(it.text):
                    continue
                out.append(_Raw(trig, it, actor, "held", None, None, False, date, it.text,
                                it.first))
        return out

    def _between(self, t: Trigger, end: int) -> list[str]:
        """The actors of "بين X و Y" / "between X and Y" after a fighting word; the actors
        joined by "و"/"and" inside the phrase's gap or right before it ("The YPG and the army
        share control of P", "تتقاسم الوحدات وقوات النظام السيطرة على P")."""
        d = self.doc
        joined = self._joined_actors(t)
        if len(joined) > 1:
            return joined[:2]
        for j in range(t.last + 1, end):
            if d.tokens[j].is_word and d.tokens[j].norm in ("بين", "between"):
                got = []
                for sp in spans_in(d.actors, j + 1, min(end, j + 12)):
                    a = str(getattr(sp.value, "actor", ""))
                    if a and a != "unknown" and a not in got:
                        got.append(a)
                return got[:2]
        return []

    def _joined_actors(self, t: Trigger) -> list[str]:
        d = self.doc
        if t.gap is not None and t.gap[1] > t.gap[0]:
            spans = spans_in(d.actors, t.gap[0], t.gap[1])
        else:
            lo = self.roles._clause_start(t.first)
            spans = [sp for sp in spans_in(d.actors, lo, t.first)]
            # only a run of actors joined by and/و that ends right before the verb
            run: list[Any] = []
            for sp in reversed(spans):
                nxt = run[-1].first if run else t.first
                gap = [d.tokens[k] for k in range(sp.last + 1, nxt) if d.tokens[k].is_word]
                if gap and not (len(gap) == 1 and gap[0].norm in ("and", "و")):
                    break
                if not gap and run:
                    break
                run.append(sp)
            spans = list(reversed(run))
        got: list[str] = []
        for sp in spans:
            a = str(getattr(sp.value, "actor", ""))
            if a and a != "unknown" and a not in got:
                got.append(a)
        return got

    def _fighting_side(self, t: Trigger, end: int) -> str | None:
        """An actor of a fight: after "بين"/"between", else named in the sentence, else the
        paragraph's last subject (a contested claim holds for either side)."""
        d = self.doc
        s, _ = d.sentence(t.first)
        for sp in spans_in(d.actors, s, end):
            a = getattr(sp.value, "actor", None)
            if a and a != "unknown":
                return str(a)
        return self.roles.antecedent(t.first)

    def _other_side(self, t: Trigger, besieger: str | None) -> str | None:
        """The besieged side when the report does not name it: the first other actor of the
        sentence (its main subject), else the last one named before it."""
        d = self.doc
        s, e = d.sentence(t.first)
        same = {besieger} | (_SIDES.get(besieger or "", set()))
        for sp in spans_in(d.actors, s, e):
            a = getattr(sp.value, "actor", None)
            if a and a not in same and a != "unknown":
                return str(a)
        for k in range(spans_from(d.actors, s) - 1, -1, -1):
            sp = d.actors[k]
            a = getattr(sp.value, "actor", None)
            if a and a not in same and a != "unknown":
                return str(a)
        return None

    def _exceptions(self, t: Trigger, slot: Slot | None, end: int, lo: int) -> list[_Raw]:
        """"كامل المحافظة تحت سيطرة النظام ما عدا مدينة نوى", "regained all areas except
        al-Waer": the places excepted right after a claim are held by the main opponent of the
        side that holds the rest."""
        d = self.doc
        j = t.last + 1
        if slot is not None and slot.items:
            j = max(j, slot.end, max(it.last for it in slot.items) + 1)
        k = 0
        for _ in range(8):
            if j >= end or j in self.trigger_tokens:
                return []
            if d.tokens[j].is_word:
                k = self.words.match_words([x.norm for x in d.tokens[j:j + 4]], 0, "except")
                if k:
                    break
            j += 1
        if not k:
            return []
        holder = None
        if "agent" in t.frame.gainer or t.frame.pos == "phrase":
            holder = self.roles.agent(t.last, limit=end)
        if holder is None:
            got = self.roles.subject(t.first, t.last, pos=t.frame.pos, place_start=None, limit=end)
            holder = got[0] if got else None
        other = self._main_opponent(holder) if holder else None
        if other is None:
            return []
        places = parse_slot(d, j + k, self.words, limit=end, triggers=self.trigger_tokens)
        date = dating.date_of(d, t.first, t.last, triggers=self._sentence_triggers(t.first),
                              published=self.report.published,
                              published_precision=self.report.published_precision,
                              words=self.words, clause_start=lo, status="held")
        return [_Raw(t, it, other, "held", None, None, True, date, it.text, it.first)
                for it in places.items if not it.anaphor and not _countryside(it.text)]

    def _main_opponent(self, actor: str) -> str | None:
        """The side the report names most often apart from `actor`'s own side (its main
        opponent in the story), or None."""
        same = {actor} | _SIDES.get(actor, set())
        counts: dict[str, int] = {}
        for sp in self.doc.actors:
            a = str(getattr(sp.value, "actor", "") or "")
            if a and a not in same and a not in ("unknown", "coalition"):
                counts[a] = counts.get(a, 0) + 1
        if not counts:
            return None
        return max(counts, key=lambda a: (counts[a], -list(counts).index(a)))

    def _weak_name(self, sp: Any) -> bool:
        """A one-word gazetteer name that is a common word here (an adjective, a verb)."""
        if sp.first != sp.last:
            return False
        d = self.doc
        n = d.tokens[sp.first].norm
        if sp.first in self.trigger_tokens or sp.first in d.actor_at:
            return True
        if self._kind_before(sp.first):
            return False
        w = self.words
        return (n.startswith("ال") and (n.endswith(("يه", "ي")) or w.is_a(n[2:], "landmark")
                                       or w.is_a(n[2:], "kind"))) or any(
            w.is_a(n, c) for c in ("stop", "become", "direction", "nonplace"))

    def _kind_before(self, i: int) -> str:
        """The kind word just before token i ("حي" in "في حي الشعار"), normalised, or ""."""
        d = self.doc
        j = i - 1
        if j < 0 or not d.tokens[j].is_word:
            return ""
        n = d.tokens[j].norm
        for v in (n, n[1:] if n[:1] in ("و", "ب", "ف", "ل") else n):
            if self.words.is_a(v, "kind", proclitics=False) or v in _REGION_KINDS:
                return v
        return ""

    def _antecedent_place(self, it: Item, t: Trigger) -> tuple[int, str] | None:
        """The place an anaphor ("الحي", "the town", "عليها", "it") refers to.

        The last place named before it in the report (within three paragraphs); a typed
        anaphor ("المدينة", "الحي", "the town") prefers the last one named with that kind
        word ("مدينة X", "حي X", "the town of X").
        """
        d = self.doc
        n = d.tokens[it.first].norm
        if n.startswith("the "):
            n = n[4:]
        if d.tokens[it.first].latin and it.first + 1 < len(d) and n == "the":
            n = d.tokens[it.first + 1].norm
        want = _ANAPHOR_KINDS.get(n.removeprefix("ال") if not d.tokens[it.first].latin else n,
                                  frozenset())
        pool = self._place_pool()
        # the candidates: places named before it, from three paragraphs back
        para_lo = bisect.bisect_left(d.para_of_sent, d.para(it.first) - 3)
        lo = d.sent_bounds[para_lo][0] if para_lo < len(d.sent_bounds) else len(d)
        hi = it.first
        rel = self._relative_head(it, t)
        if rel is not None:
            # "البادية التي تسيطر عليها X": the pronoun is the noun before the relative
            hit = [p for p in pool.between(max(lo, rel - 5), min(hi, rel + 1))
                   if (rel in d.name_cover and d.name_cover[rel].first == p[0]) or p[0] == rel]
            if hit:
                return hit[-1][0], hit[-1][1]
            if rel not in self.trigger_tokens and rel not in d.actor_at:
                return None
            # "بهدف استعادتها من التنظيم الذي يسيطر عليها": the noun is itself a pronoun
            # (or an actor): the place named before
        last = pool.last(lo, hi)
        if last is None:
            return None
        if want:
            typed = pool.last(lo, hi, kinds=want)
            if typed is not None:
                return typed[0], typed[1]
        if n.removeprefix("ال") in ("منطقه", "area", "جيب", "pocket"):
            return None  # "المنطقة" is a place only when one was named "منطقة X"
        return last[0], last[1]

    def _place_pool(self) -> _PlacePool:
        """The places an anaphor may refer to: those the claims so far named, and the known
        names of the report written with a kind word, of several words, or in Latin script
        (not a common word); areas ("ريف X") aside."""
        if self._pool is None:
            d = self.doc
            pool = _PlacePool()
            for first, text, kind in self.places_seen:
                pool.add_seen(first, text, kind)
            for sp in d.names:
                if not self._weak_name(sp) and (self._kind_before(sp.first)
                                                or sp.last > sp.first
                                                or d.tokens[sp.first].latin):
                    pool.add_name(sp.first, sp.value.text, self._kind_before(sp.first))
            self._pool = pool
        return self._pool

    def _relative_head(self, it: Item, t: Trigger) -> int | None:
        """The last token of the noun a relative pronoun before the trigger refers to."""
        d = self.doc
        s, _ = d.sentence(t.first)
        for j in range(t.first - 1, max(s, t.first - 5) - 1, -1):
            if d.tokens[j].norm in _RELATIVES:
                k = j - 1
                while k >= s and not d.tokens[k].is_word:
                    k -= 1
                sp = d.actor_at.get(k)
                b = sp.first - 1 if sp is not None else -1
                while sp is not None and b > s and d.tokens[b].norm in ("تنظيم", "قوات",
                                                                         "عناصر", "مسلحي"):
                    b -= 1
                if sp is not None and b > s and d.tokens[b].norm in ("من", "from"):
                    # "استعادت P من التنظيم والتي كان قد سيطر عليها": past "from X"
                    k = b - 1
                    while k >= s and not d.tokens[k].is_word:
                        k -= 1
                return k if k >= s else None
        return None

    # ------------------------------------------------------------------ resolve

    def _settlement(self, text: str, ctx: Any, resolved: list[Any]) -> Any:
        """The one best settlement (not an admin unit) of the name, near the report's places."""
        cands = getattr(self.gaz, "candidates", None)
        if cands is None:
            return None
        key = ("engine.settlement", text, id(ctx), *map(id, resolved[-8:]))
        if key in self.doc.memo:
            return self.doc.memo[key]
        c = ctx.with_near(resolved[-8:]) if resolved and hasattr(ctx, "with_near") else ctx
        self.doc.memo[key] = got = self._best_settlement(cands(text, c, limit=5))
        return got

    @staticmethod
    def _best_settlement(found: Sequence[Any]) -> Any:
        """The first exact settlement of `found`, unless a second one is as good."""
        got = [x for x in found
               if x.place.kind not in NON_TARGET_KINDS and x.reason in _EXACT_REASONS]
        if not got:
            return None
        if len(got) > 1 and got[1].score >= got[0].score - 0.01:
            return None  # two equally good: leave it unresolved rather than guess
        return got[0].place

    def claims(self, raw: list[_Raw]) -> tuple[list[ControlClaim], list[Mention]]:
        d = self.doc
        report = self.report
        ctx = self.gaz.context_from_text(report.text)
        resolved: list[Any] = []
        cache: dict[str, Any] = {}

        names = {normalize(sp.value.text): sp.value.text for sp in d.names}
        keys = sorted(names)

        def fuller(text: str) -> str | None:
            """The one longer name of the report that begins with this one ("الباغوز" in a
            report that also says "الباغوز فوقاني")."""
            prefix = normalize(text) + " "
            longer = set()
            for k in keys[bisect.bisect_left(keys, prefix):]:
                if not k.startswith(prefix):
                    break
                longer.add(names[k])
            return longer.pop() if len(longer) == 1 else None

        def resolve(text: str) -> Any:
            key = text
            if key not in cache:
                c = ctx.with_near(resolved[-8:]) if resolved and hasattr(ctx, "with_near") else ctx
                res = None
                full = fuller(text)
                if full is not None:
                    res = self.gaz.resolve(full, c)
                    if res.status != "resolved":
                        res = None
                if res is None:
                    res = self.gaz.resolve(text, c)
                cache[key] = res
                if res.status == "resolved" and res.place is not None:
                    resolved.append(res.place)
            return cache[key]

        # resolve names in reading order so the near context grows as the report goes
        for sp in d.names:
            resolve(sp.value.text)
        mentions: dict[tuple[int, int], Mention] = {}
        for sp in d.names:
            res = resolve(sp.value.text)
            mentions[(sp.value.start, sp.value.end)] = _mention(sp.value.text, sp.value.start,
                                                                sp.value.end, res)
        _check_scopes(raw, resolve, getattr(self.gaz, "bank_of", None))
        made: list[ControlClaim] = []
        seen: set[tuple[Any, ...]] = set()
        for rc in raw:
            res = resolve(rc.place_text)
            place = res.place if res.status == "resolved" else None
            if place is None or place.kind in NON_TARGET_KINDS:
                # "ناحية راجو", "مركز ناحية جنديرس": the town that seats the unit, when the
                # gazetteer has one of that name; an area itself is no place of a claim
                town = self._settlement(rc.place_text, ctx, resolved)
                if town is not None:
                    place = town
                elif place is not None:
                    place = None
            if place is not None and _direction_part(rc.place_text, place):
                place = None  # "حلب الشرقية", "eastern Aleppo": a part, not the whole city
            start = d.tokens[rc.item.first].start
            end = d.tokens[rc.item.last].end
            if not rc.item.anaphor:
                mentions.setdefault((start, end), _mention(rc.place_text, start, end, res))
            conf = 0.85
            if rc.inferred:
                conf -= 0.15
            if rc.trig.frame.pos == "noun":
                conf -= 0.05
            if place is None:
                conf -= 0.15
            if rc.item.anaphor:
                conf -= 0.05
            if self.partisan:
                conf -= 0.1
            if rc.date.source != "clause":
                conf -= 0.05
            conf = round(min(0.95, max(0.05, conf)), 3)
            key = (place.place_id if place else _key(rc.place_text), rc.actor, rc.status,
                   rc.date.date, rc.besieger, rc.fraction)
            if key in seen:
                continue
            seen.add(key)
            tf, tl = rc.trig.first, rc.trig.last
            ev_first = min(tf, rc.item.first)
            ev_last = max(tl, rc.item.last)
            made.append(ControlClaim(
                report_id=report.report_id,
                source_file=report.source_file,
                place_text=rc.place_text,
                place_id=place.place_id if place else None,
                actor=_in_its_time(rc.actor, rc.date.date),
                besieger=_in_its_time(rc.besieger, rc.date.date) if rc.besieger else None,
                status=rc.status,
                date=rc.date.date,
                date_precision=rc.date.precision if rc.date.date else "unknown",
                confidence=conf,
                evidence=Evidence(d.tokens[ev_first].start, d.tokens[ev_last].end,
                                  d.evidence(ev_first, ev_last), rc.trig.frame.trigger),
                fraction=rc.fraction,
                exclusive_group=rc.group,
                scope=rc.scope,
                name_ar=place.name_ar if place else "",
                name_en=place.name_en if place else "",
                lat=place.lat if place else None,
                lon=place.lon if place else None,
                weekday=rc.date.weekday,
            ))
        return made, [mentions[k] for k in sorted(mentions)]


_END_FRAME = Frame(pockets.END_RULE, (("وجود",),), "phrase", "lost", (), ("object",),
                   (("object", ()),), "ar", "سيطرت القوات على بلدة المثال، لينتهي بذلك وجود "
                   "التنظيم في المنطقة.", "GLOSSARY (end of presence)")
_HELD_ADJECTIVE = Frame("X-held", (("-held",),), "phrase", "held", ("agent",), (),
                        (("object", ()),), "en", "Shelling hit rebel-held Examplia.",
                        "issue 9 (holder adjectives)")


def _pocket_besiegers(doc: Doc, raw: list[_Raw], sieges: dict[int, str]) -> None:
    """A pocket's besieger: who besieges it in the sentence, else who takes ground around it
    in the sentence or the one before ("X took Y. With this advance, IS holds only P, Q")."""
    groups: dict[str, list[_Raw]] = {}
    for r in raw:
        if r.group and r.besieger is None:
            groups.setdefault(r.group, []).append(r)
    if not groups:
        return
    by_sent: dict[int, list[tuple[int, _Raw]]] = {}  # sentence -> (order, claim), in order
    for k, r in enumerate(raw):
        by_sent.setdefault(doc.sent_of[r.trig.first], []).append((k, r))
    for members in groups.values():
        owner = members[0].actor
        sent = doc.sent_of[members[0].trig.first]
        para = doc.para_of_sent[sent]
        siege = [r for _, r in by_sent.get(sent, []) if r.status == "besieged"
                 and r.besieger and r.besieger != owner]
        near = sorted(by_sent.get(sent - 1, []) + by_sent.get(sent, []), key=lambda x: x[0])
        takers = [r for _, r in near if r.status == "captured" and r.actor != owner
                  and not r.group and doc.para_of_sent[doc.sent_of[r.trig.first]] == para]
        besieger = siege[0].besieger if siege else None
        if besieger is None and sieges.get(sent) not in (None, owner):
            besieger = sieges[sent]  # "تمكنت قوات النظام من محاصرة داعش في آخر جيب له"
        if besieger is None and takers:
            besieger = takers[-1].actor
        for r in members:
            r.besieger = besieger


def _check_scopes(raw: list[_Raw], resolve: Any, bank_of: Any) -> None:
    """An end of presence's scope must contain its places: an admin unit that they do not
    lie in, or a bank some of them are not on, is no scope of the statement ("... ending IS
    presence in Hama countryside" after taking a village of Deir ez-Zor)."""
    groups: dict[str, list[_Raw]] = {}
    for r in raw:
        if r.group and r.scope and r.trig.frame.trigger == pockets.END_RULE:
            groups.setdefault(r.group, []).append(r)
    for members in groups.values():
        scope = members[0].scope or ""
        ok = True
        for r in members:
            res = resolve(r.place_text)
            place = res.place if res.status == "resolved" else None
            if place is None:
                continue
            if scope.startswith("adm:"):
                code = scope[4:]
                ok = code in place.admin_pcodes or place.place_id == scope
            elif scope.startswith("bank:") and bank_of is not None:
                try:
                    got = bank_of(place.place_id)
                except Exception:
                    got = None
                ok = got is None or got == scope[5:]
            if not ok:
                break
        if not ok:
            for r in members:
                r.scope = None


def _withdrawals_to_captures(doc: Doc, raw: list[_Raw]) -> list[_Raw]:
    """A withdrawal in a report whose other side is plain is that side's capture.

    "انسحب التنظيم من البلدة" in a report where only the army takes ground: the army holds the
    town after it. The other side is the one actor, not the loser nor its ally, that gains
    ground (captures or fights its way in) elsewhere in the report; with none or several,
    the claim stays a loss.
    """
    gainers: dict[int, set[str]] = {}
    for r in raw:
        if r.status in ("captured", "contested", "besieged") and not r.group:
            who = r.besieger if r.status == "besieged" else r.actor
            if who:
                gainers.setdefault(doc.para_of_sent[doc.sent_of[r.trig.first]], set()).add(who)
    report_gainers = set().union(*gainers.values()) if gainers else set()
    out = []
    for r in raw:
        if r.status == "lost" and not r.group and r.trig.frame.trigger in _WITHDRAWALS:
            para = doc.para_of_sent[doc.sent_of[r.trig.first]]
            for pool in (gainers.get(para, set()), report_gainers):
                others = {a for a in pool if a != r.actor and a not in _SIDES.get(r.actor, set())
                          and a not in ("unknown", "coalition")}
                if len({_SIDE_OF.get(a, a) for a in others}) == 1:
                    winner = sorted(others)[0]
                    r = dataclasses.replace(r, actor=winner, status="captured", inferred=True)
                    break
        out.append(r)
    return out


def _prune(doc: Doc, raw: list[_Raw]) -> list[_Raw]:
    """Within one sentence, the final state wins over the steps to it.

    A withdrawal from P beside another actor's capture of P says the same change once (the
    capture is kept); fighting in P or part of P beside the same actor's capture of all of P
    ("took parts of it at noon, then all of it") leaves the capture.
    """
    def key(r: _Raw) -> tuple[int, str]:
        return doc.sent_of[r.trig.first], normalize(r.place_text)

    captured: dict[tuple[int, str], set[str]] = {}
    captured_on: dict[tuple[int, str, str], set[Any]] = {}
    changed: dict[tuple[int, str], set[str]] = {}
    for r in raw:
        if r.status in ("captured", "held"):
            captured.setdefault(key(r), set()).add(r.actor)
            captured_on.setdefault((*key(r), r.actor), set()).add(r.date.date)
        if r.status in ("captured", "contested", "besieged", "lost"):
            changed.setdefault(key(r), set()).add(r.actor)
    besieged: dict[tuple[int, str], set[str]] = {}
    for r in raw:
        if r.status == "besieged":
            besieged.setdefault(key(r), set()).add(r.actor)
    taken_in_report: dict[str, set[str]] = {}
    for r in raw:
        if r.status == "captured" and not r.group:
            taken_in_report.setdefault(normalize(r.place_text), set()).add(r.actor)
    # "اقتحم مدينة P وسيطر على أحياء فيها", "stormed P and took parts of it": the part said
    # after the capture, of the same place, tells how far it went
    refined: set[int] = set()
    for r in raw:
        if r.status == "contested" and r.item.anaphor and r.item.partial:
            for c in raw:
                if c.status == "captured" and c.actor == r.actor and key(c) == key(r) and (
                        c.trig.first < r.trig.first) and not c.item.partial:
                    refined.add(id(c))
    out = []
    for r in raw:
        if id(r) in refined:
            continue
        got = captured.get(key(r), set())
        if refined and r.status == "contested" and r.item.anaphor and r.item.partial and not any(
                c.status == "captured" and c.actor == r.actor and key(c) == key(r)
                and id(c) not in refined for c in raw):
            out.append(r)
            continue
        if r.status == "held" and not r.group and r.date.source != "clause" and (
                taken_in_report.get(normalize(r.place_text), set()) - {r.actor}):
            continue  # "السخنة آخر مدينة يسيطر عليها التنظيم" in the story of its capture
        if r.status == "lost" and r.group is None and got - {r.actor}:
            continue
        if r.status == "held" and r.group is None and r.actor in besieged.get(key(r), set()):
            continue  # "besieged in P, its last stronghold": the siege says more
        if r.status == "contested" and r.actor in got and (
                r.date.source != "clause" or r.date.date in captured_on[(*key(r), r.actor)]):
            continue  # the steps to a capture told with it (an entry dated apart stays)
        if r.status == "held" and r.trig.frame.pos == "phrase" and r.group is None and (
                changed.get(key(r), set()) - {r.actor}):
            continue  # "entered P, the last stronghold of X": the news is the entry
        out.append(r)
    return out


_COUNTRYSIDE = frozenset({"ريف", "محافظه", "countryside", "province", "governorate"})
_DIRECTION_ADJ = frozenset({"الشرقيه", "الغربيه", "الشماليه", "الجنوبيه", "الشرقي", "الغربي",
                            "الشمالي", "الجنوبي", "eastern", "western", "northern", "southern",
                            "east", "west", "north", "south", "شرقي", "غربي", "شمالي",
                            "جنوبي", "قبلي"})


#: Sides that did not exist before a date, and who fought under that name before it: the
#: Turkish-backed rebel army (SNA) grew out of Operation Euphrates Shield, launched on
#: 24 August 2016; rebels of an earlier event ("fell to the rebels in 2012") are the opposition.
_ACTOR_SINCE: dict[str, tuple[dt.date, str]] = {"sna": (dt.date(2016, 8, 24), "opposition")}


def _in_its_time(actor: str, when: dt.date | None) -> str:
    since = _ACTOR_SINCE.get(actor)
    if since is not None and when is not None and when < since[0]:
        return since[1]
    return actor


def _split_compass_names(text: str, names: list[Any], spot: Any, compass: Any) -> list[Any]:
    """A spotted name that ends in an Arabic compass word (`compass(norm)`: the words.csv
    class "direction") right before another name is the name before it, located by the
    compass word ("الباب شرقي حلب" is al-Bab east of Aleppo, not the Damascus quarter
    "باب شرقي")."""
    out = []
    for k, n in enumerate(names):
        words = n.text.split()
        nxt = names[k + 1] if k + 1 < len(names) else None
        last = _norm(words[-1]) if words else ""
        if len(words) >= 2 and not last.isascii() and compass(last) and nxt is not None and (
                not text[n.end:nxt.start].strip()):
            head = n.text[: n.text.rfind(words[-1])].rstrip()
            sub = [m for m in spot(head) if m.start == 0 and m.end == len(head)]
            if sub:
                out.append(dataclasses.replace(sub[0], start=n.start, end=n.start + len(head)))
            continue
        out.append(n)
    return out


def _direction_part(text: str, place: Any) -> bool:
    """`text` names a part of `place` by a compass adjective its own name does not have
    ("حلب الشرقية", "eastern Aleppo"; not the village "البيضة الشرقية")."""
    ws = normalize(text).split()
    if len(ws) < 2:
        return False
    adj = ws[-1] if ws[-1] in _DIRECTION_ADJ else ws[0] if ws[0] in _DIRECTION_ADJ else None
    if adj is None:
        return False
    names = " ".join(normalize(n) for n in (
        getattr(place, "name_ar", ""), getattr(place, "name_en", ""),
        *getattr(place, "aliases", ())) if n)
    return adj not in names.split()


def _countryside(text: str) -> bool:
    """A name that is a countryside or a governorate ("ريف دمشق", "محافظة إدلب", "Idlib
    province")."""
    ws = normalize(text).split()
    if not ws:
        return False
    return reading_in(ws[0], _COUNTRYSIDE) is not None or ws[-1] in (
        "countryside", "province", "governorate")


def f_pos_verbal(t: Trigger) -> bool:
    """A verb or verbal-noun frame (its subject may stand inside a gapped phrase)."""
    return t.frame.pos in ("verb", "noun")


def _bare(surface: str) -> str:
    """The surface without diacritics and tatweel (a ة stays a ة)."""
    return re.sub("[\u064b-\u065f\u0640]", "", surface)


def d_pronoun(doc: Doc, t: Trigger) -> bool:
    """The trigger ends in a pronoun suffix ("تحت سيطرتها"): its agent is an antecedent."""
    n = _bare(doc.tokens[t.last].text)
    return not doc.tokens[t.last].latin and bool(_OBJ_PRONOUN.search(n)) and len(n) > 5


def _key(text: str) -> str:
    return normalize(text)


def _mention(text: str, start: int, end: int, res: Any) -> Mention:
    cands = tuple(c.place.place_id for c in getattr(res, "candidates", ()))
    place = res.place
    return Mention(text, start, end, res.status, place.place_id if place is not None else None,
                   cands if res.status != "resolved" else (), float(res.score))


def extract(report: Report, gazetteer: _Gazetteer, lexicon: _Lexicon, *,
            grammar: Grammar | None = None) -> Extraction:
    """Find the control claims and place mentions of one report.

    Parameters
    ----------
    report
        The report (its `published` date anchors relative dates).
    gazetteer
        A `tracker.gazetteer.Gazetteer` (anything with ``spot``, ``resolve`` and
        ``context_from_text``).
    lexicon
        A `tracker.actors.ActorLexicon` (anything with ``find``).
    grammar
        Frames and word classes; default: the bundled data plus ``$TRACKER_PHRASES`` and
        ``$TRACKER_WORDS``.

    Returns
    -------
    Extraction
        Claims in text order, every place mention with its resolution, and warnings (date
        inconsistencies). Never raises for odd text.
    """
    eng = _Engine(report, gazetteer, lexicon, grammar or default_grammar())
    raw = _withdrawals_to_captures(eng.doc, _prune(eng.doc, eng.raw_claims()))
    claims, mentions = eng.claims(raw)
    logger.debug("report %s: %d claims, %d mentions", report.report_id, len(claims),
                 len(mentions))
    return Extraction(report, tuple(claims), tuple(mentions), tuple(eng.warnings))
