"""Reading the place slot of a control phrase: a list of place names, with its quantifiers.

A slot is what follows a trigger ("سيطرت القوات على <slot>", "captured <slot>") or precedes
it ("<slot> fell to ..."). `parse_slot` reads from a token forward: an optional quantifier
("أجزاء من", "كامل", "most of", "60% of" -> partial or full), then list items joined by
commas, و, "and", after a list opener ("منها", "وهي", "including", ":"). An item is a known
place name (the gazetteer's spans), a kind word and the name after it ("قرية X", "the town of
X"; the kind word is dropped, a landmark head such as "جبل"/"Dam" is kept), an anaphor
("المدينة", "the town") or, in a list whose other items are places, a name the gazetteer lacks.
The item ends at a preposition, a compass word ("X شرق Y": Y only locates X), a relative, an
actor, a date or punctuation. Titles before a person's name ("القيادي أبو X", "commander X")
make the name no place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.arabic import normalize, proclitic_variants, reading_in, strip_article
from tracker.extract.doc import Doc, _norm
from tracker.extract.words import WordClasses

__all__ = ["Item", "Slot", "parse_before", "parse_slot"]

#: Longest name (in words) the gazetteer does not know.
MAX_UNKNOWN_WORDS = 4
#: Items a list may hold.
MAX_ITEMS = 40
#: Tokens between a plural kind word and the list opener that names its places.
LIST_AHEAD = 30
_PERCENT = re.compile(r"^\d{1,3}(?:[.,]\d+)?$")
_PERCENT_WORDS = frozenset({"%", "٪", "بالمئه", "بالمائه", "percent", "pct", "بالمئة"})
_PER_CENT_2 = (("في", "المئه"), ("في", "المائه"), ("per", "cent"))
_LATIN_CONNECTORS = frozenset({"al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ez", "bin",
                               "ibn", "bani", "abu", "umm", "um", "de", "du", "ul", "es", "et",
                               "ed", "of"})
_NUMBER_WORDS = {normalize(k): v for k, v in {
    "عشرة": 10, "عشرين": 20, "عشرون": 20, "ثلاثين": 30, "ثلاثون": 30, "أربعين": 40,
    "أربعون": 40, "خمسين": 50, "خمسون": 50, "ستين": 60, "ستون": 60, "سبعين": 70, "سبعون": 70,
    "ثمانين": 80, "ثمانون": 80, "تسعين": 90, "تسعون": 90, "ten": 10, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90}.items()}
_FRACTIONS = {"نصف": 0.5, "half": 0.5, "ثلث": 0.33, "ثلثي": 0.67, "ربع": 0.25, "معظم": 0.75,
              "اغلب": 0.75, "غالبيه": 0.75, "most": 0.75, "majority": 0.75, "much": 0.6}
_LATIN_NOT_NAMES = frozenset({
    "the", "these", "this", "those", "they", "it", "its", "their", "his", "her", "our", "we",
    "last", "first", "final", "al", "el",
    "he", "she", "there", "here", "a", "an", "in", "on", "at", "after", "before", "earlier",
    "later", "meanwhile", "moments", "syrian", "turkish", "kurdish", "russian", "american",
    "iraqi", "iranian", "arab", "islamic", "free", "national", "democratic", "us", "u.s",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "britain-based", "uk-based", "london-based", "observatory",
    "government", "regime", "army", "forces", "rebels", "militants", "fighters", "troops",
    "sources", "state", "group", "media", "agency", "news", "ministry", "spokesman",
    "commander", "coalition", "sdf", "isis", "isil", "daesh", "ypg", "fsa", "hts", "saa",
    "sana", "afp", "reuters", "tass", "sputnik", "xinhua", "anadolu", "ap", "bbc", "sohr",
    "pentagon", "kremlin", "moscow", "washington", "ankara", "damascus-based",
})
_LATIN_DESCRIPTORS = frozenset({"stronghold", "strongholds", "bastion", "redoubt", "capital",
                                "former", "de", "facto", "main", "key", "strategic", "historic",
                                "ancient", "last", "remaining", "major", "nearby", "prized",
                                "besieged", "rebel-held", "group's", "state's", "isis's",
                                "northern", "southern", "eastern", "western", "city's",
                                "important", "small", "large", "big", "border", "frontier",
                                "desert", "riverside", "oil-rich", "rebel", "hilltop",
                                "mountain", "coastal", "neighbouring", "neighboring"})
_LATIN_PRE_LANDMARK = frozenset({"oil", "gas", "border", "air", "military", "water", "grain",
                                 "national", "municipal", "old", "new", "power", "sugar"})
_ADJ_SKIP = 3  # lowercase words an English name may follow ("the prized Nassib crossing")
_QUALIFIERS = frozenset({"الشرقي", "الغربي", "الشمالي", "الجنوبي", "الشرقيه", "الغربيه",
                         "الشماليه", "الجنوبيه", "فوقاني", "تحتاني", "الفوقاني", "التحتاني",
                         "وسطاني", "الوسطاني", "الكبير", "الصغير", "الكبري", "الصغري",
                         "الجديد", "الجديده", "القديم", "القديمه", "فوقا", "تحتا", "عربي",
                         "كبير", "صغير"})
#: Adjectives that describe a place without naming it: they end the name
#: ("قلعة تدمر الأثرية" is the castle of Palmyra, "مطار تدمر العسكري" its airbase).
_DESCRIPTIVE = frozenset({"الاثريه", "الاثري", "العسكري", "العسكريه", "الدولي", "الدوليه",
                          "الاستراتيجي", "الاستراتيجيه", "الحدودي", "الحدوديه", "الرئيسي",
                          "الرئيسيه", "المجاور", "المجاوره", "القريب", "القريبه", "الحيوي",
                          "الحيويه", "الهام", "الهامه", "المهم", "المهمه", "الكبري", "الواقع",
                          "الواقعه", "المحاصر", "المحاصره", "الشهير", "الشهيره", "التاريخي",
                          "التاريخيه", "الحكومي", "الحكوميه", "المحرره", "المحرر", "المحيطه",
                          "المحيط", "المتبقيه", "المتبقي", "الباقيه", "الاخيره", "الاخير",
                          "السوري", "السوريه", "التركي", "التركيه", "الكردي", "الكرديه",
                          "العراقي", "العراقيه", "الاردني", "الاردنيه", "اللبناني", "المطل",
                          "المطله", "المطلين", "المحاذي", "المحاذيه"})
_WAW = ("و",)
#: Verbs between a place and the held phrase after it ("P remains under X control").
_LINKING_VERBS = frozenset({"قد", "remains", "remained", "remain", "stays", "stayed", "still", "is",
                            "was", "are", "were", "now", "lies", "fully", "firmly", "mostly",
                            "largely", "entirely", "ما", "لا", "يزال", "تزال", "زال", "زالت",
                            "بقي", "بقيت", "يبقي", "تبقي", "بات", "باتت", "اصبح", "اصبحت",
                            "تزالان", "يزالان", "التي", "الذي", "اللتين", "اللذين", "اللتان",
                            "اللذان", "which", "that", "منها", "منه", "القريبه", "القريب",
                            "المجاوره", "المجاور"})
#: Kind words that stand before a list (plural or dual): every item after them is licensed.
_PLURAL_KINDS = frozenset(normalize(w) for w in (
    "قرى", "مدن", "نواحي", "أحياء", "مناطق", "الأحياء", "القرى", "البلدات", "مخيمات"))
_COUNT_WORDS = frozenset({"ثلاث", "اربع", "خمس", "ست", "سبع", "ثماني", "تسع", "عشر", "ثلاثه",
                          "اربعه", "خمسه", "سته", "سبعه", "ثمانيه", "تسعه", "عشره", "two",
                          "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                          "eleven", "twelve", "dozen", "اثنتين", "اثنين", "thirteen",
                          "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
                          "twenty", "thirty", "forty", "fifty", "dozens", "several", "some"})


@dataclass(slots=True)
class Item:
    """One place of a slot: tokens ``first..last`` of its name (proclitic aside)."""

    first: int
    last: int
    text: str
    known: bool  # the gazetteer knows the name
    licensed: bool  # a kind word, a landmark head or English capitals say it is a place
    kind: str = ""  # the kind word before it ("حي", "village" ...), normalised
    anaphor: bool = False
    partial: bool = False  # a quantifier says only part of it ("أجزاء من", "most of")
    fraction: float | None = None


@dataclass(slots=True)
class Slot:
    """The places of a slot and what the quantifier before them says."""

    items: list[Item] = field(default_factory=list)
    partial: bool = False
    full: bool = False
    fraction: float | None = None
    end: int = 0  # first token after the slot


def _strip_waw(doc: Doc, i: int) -> tuple[int, str]:
    """Letters of a و proclitic at the start of token `i` (0 or 1) and the rest."""
    t = doc.tokens[i]
    if not t.latin and t.norm.startswith("و") and len(t.norm) > 3:
        return 1, t.norm[1:]
    return 0, t.norm


def _surface(doc: Doc, first: int, last: int, skip: int) -> str:
    a = doc.tokens[first].start
    if skip:
        a = _skip_letters(doc.text, a, skip)
    return doc.text[a : doc.tokens[last].end]


def _skip_letters(text: str, pos: int, n: int) -> int:
    """Position after `n` letters from `pos` (diacritics after a letter go with it)."""
    k = 0
    while pos < len(text) and k < n:
        pos += 1
        k += 1
        while pos < len(text) and ("\u064b" <= text[pos] <= "\u065f" or text[pos] == "\u0640"):
            pos += 1
    return pos


class _Reader:
    def __init__(self, doc: Doc, words: WordClasses, limit: int, triggers: frozenset[int]):
        self.latin_start = -1
        self.doc = doc
        self.w = words
        self.limit = limit
        self.triggers = triggers

    def is_(self, i: int, cls: str) -> int:
        if i >= self.limit or not self.doc.tokens[i].is_word:
            return 0
        return self.w.match_words(self.doc.norms, i, cls, end=min(self.limit, i + 4))

    def blocked(self, i: int) -> bool:
        """A token that cannot be inside a name."""
        d = self.doc
        if i >= self.limit or not d.tokens[i].is_word:
            return True
        if i in d.actor_at or i in d.date_at or i in self.triggers:
            return True
        n = d.tokens[i].norm
        if n.isdigit():
            return True
        if not d.tokens[i].latin and n[:1] in ("ب", "ل") and len(n) > 3 and (
                self.w.is_a(n[1:], "stop", proclitics=False)
                or self.w.is_a(n[1:], "direction", proclitics=False)):
            return True  # "بريف درعا", "بمحيط": where, not what
        if not d.tokens[i].latin and n[:1] == "و" and len(n) > 3 and self.w.is_a(
                n[1:], "stop", proclitics=False):
            return True  # "واللذان", "والتي": a particle after "و"
        return bool(self.is_(i, "stop") or self.is_(i, "direction") or self.is_(i, "opener")
                    or self.is_(i, "verb"))

    def percent_at(self, i: int) -> tuple[float, int] | None:
        """``(share, tokens)`` of "60 %", "62.3%", "60 في المئة", "ثمانين بالمئة", "90 percent"."""
        d = self.doc
        if i >= self.limit:
            return None
        n = d.tokens[i].norm
        j = i + 1
        a, dash, b = n.partition("-")
        if n in _NUMBER_WORDS:
            value = float(_NUMBER_WORDS[n])
        elif dash and a.isdigit() and b.isdigit():
            value = (float(a) + float(b)) / 2  # "85-90%": the middle of the range
        elif _PERCENT.match(n):
            try:
                value = float(n.replace(",", "."))
            except ValueError:
                return None
            # "62.3" and "13,4" come as three tokens
            if j + 1 < self.limit and d.tokens[j].text in (".", ",", "٫", "،") and (
                    d.tokens[j + 1].norm.isdigit()) and d.tokens[j].start == d.tokens[i].end:
                value = float(f"{n}.{d.tokens[j + 1].norm}")
                j += 2
            if j + 1 < self.limit and d.tokens[j].text in ("-", "–") and (
                    d.tokens[j + 1].norm.isdigit()):
                value = (value + float(d.tokens[j + 1].norm)) / 2  # "85-90%": the middle
                j += 2
        else:
            return None
        if j < self.limit and d.tokens[j].norm in _PERCENT_WORDS:
            return value / 100.0, j + 1 - i
        if j + 1 < self.limit and (d.tokens[j].norm, d.tokens[j + 1].norm) in _PER_CENT_2:
            return value / 100.0, j + 2 - i
        return None


def _quantifier(r: _Reader, i: int, slot: Slot) -> int:
    """Skip a quantifier at `i` ("أجزاء واسعة من", "كامل", "most of", "60% of"), noting it."""
    d = r.doc
    for _ in range(4):
        if i >= r.limit:
            return i
        t = d.tokens[i]
        if not t.is_word:
            if t.text in ("\"", "“", "«", "'"):
                i += 1
                continue
            return i
        n = t.norm
        if n in ("the", "a", "an", "nearly", "almost", "about", "around", "some", "over",
                 "نحو", "حوالي", "قرابه", "اكثر", "اقل", "ما", "يقارب", "عده", "عدد", "العديد",
                 "several", "number", "dozens", "many", "عشرات", "انحاء", "كل", "كبير",
                 "قليل", "القليل", "كلا", "each") or (n in ("من", "of") and i > 0 and d.tokens[
                     i - 1].norm in ("عدد", "كبير", "العديد", "عشرات", "number", "dozens", "قليل",
                                     "كل", "كلا", "each")) or (
                n.isdigit() and i + 1 < r.limit and r.is_(i + 1, "kind")) or (
                n in _COUNT_WORDS and i + 1 < r.limit and r.is_(i + 1, "kind")) or (
                n in ("من", "than", "of") and i > 0 and d.tokens[i - 1].norm in (
                    "اكثر", "اقل", "نحو", "حوالي", "more", "less")):
            i += 1
            continue
        pct = r.percent_at(i)
        if pct is not None:
            slot.partial = pct[0] < 0.999
            slot.full = pct[0] >= 0.999
            slot.fraction = pct[0] if slot.partial else None
            i += pct[1]
            continue
        k = r.is_(i, "partial")
        if k:
            slot.partial = True
            base = n[1:] if n.startswith("و") and n[1:] in _FRACTIONS else n
            slot.fraction = _FRACTIONS.get(base, slot.fraction or 0.25)
            i += k
            # "أجزاء واسعة/كبيرة من", "large parts of"
            while i < r.limit and d.tokens[i].is_word and (d.tokens[i].norm in (
                    "واسعه", "كبيره", "جديده", "large", "big", "new", "several", "the")
                    or d.tokens[i].norm in _COMPASS_ADJ):  # "الأجزاء الشرقية من"
                i += 1
            continue
        k = r.is_(i, "full")
        if k and not r.is_(i, "partial"):
            slot.full = True
            i += k
            continue
        k = r.is_(i, "remainder")
        if k:
            slot.full = True
            i += k
            continue
        if n in ("of", "من", "over", "on", "مساحه", "area", "the") and (slot.partial or slot.full):
            i += 1
            continue
        k = _compass_part(r, i)
        if k:
            slot.partial = True
            slot.fraction = slot.fraction or 0.25
            i += k
            continue
        if n in ("منها", "منه", "it") and (slot.partial or slot.full) and not slot.items:
            # "أكثر من 80 بالمئة منها": a share of the place named before
            slot.items.append(Item(i, i, d.tokens[i].text, False, True, anaphor=True,
                                   partial=slot.partial, fraction=slot.fraction))
            return i + 1
        return i
    return i


#: English kind words that, after "the" and with no name, point back to a place named before.
_EN_ANAPHOR_KINDS = frozenset({"town", "city", "village", "neighbourhood", "neighborhood",
                               "district", "camp"})

#: Short words that begin many place names ("أم الكهير", "تل عدس"): "وأم" is "و" + a name.
_NAME_HEADS = frozenset({"ام", "تل", "جب", "دير", "بير", "عين", "كفر", "بيت", "ابو"})

#: Nouns of a part of a place that a compass adjective locates ("الأحياء الشمالية من P").
_PART_NOUNS = frozenset({*(strip_article(_norm(w)) for w in (
    "الأحياء", "الأجزاء", "الجهة", "القسم", "الطرف", "الأطراف", "المناطق", "الضواحي")),
                         "parts", "part", "neighbourhoods", "neighborhoods", "districts",
                         "quarters", "outskirts", "suburbs", "sections", "areas"})
_COMPASS_ADJ = frozenset({*(_norm(w) for w in (
    "الشرقية", "الغربية", "الشمالية", "الجنوبية", "الشرقي", "الغربي", "الشمالي", "الجنوبي")),
                          "northern", "southern", "eastern", "western",
                          "north-eastern", "north-western", "south-eastern", "south-western",
                          "northeastern", "northwestern", "southeastern", "southwestern"})


#: Adjectives of the outer or inner part of a place ("الأحياء الخارجية للمدينة").
_SIDE_ADJ = frozenset(_norm(w) for w in ("الخارجية", "الداخلية", "الطرفية", "الجديدة"))


def _part_len(r: _Reader, start: int) -> int:
    """Tokens of a compass part at `start` ("الأحياء الشرقية" before "لمدينة P"), else -1."""
    k = _compass_part(r, start)
    return k if k else -1


def _compass_part(r: _Reader, i: int) -> int:
    """Tokens of "الأحياء الشمالية من" / "الأجزاء الشرقية ل-" / "the northern parts of" at i: a
    part of the place that follows (0 if none)."""
    d = r.doc
    if i + 2 >= r.limit or not d.tokens[i].is_word:
        return 0
    a, b = d.tokens[i].norm, d.tokens[i + 1].norm
    if d.tokens[i].latin:
        # "the northern parts of P", "eastern neighbourhoods of P"
        if a in _COMPASS_ADJ and b in _PART_NOUNS and d.tokens[i + 2].norm == "of":
            return 3
        return 0
    if strip_article(a) not in _PART_NOUNS or (b not in _COMPASS_ADJ and b not in _SIDE_ADJ):
        return 0
    k = i + 2
    if k < r.limit and d.tokens[k].norm in _COMPASS_ADJ:
        k += 1  # "الشمالية الشرقية"
    if k < r.limit and d.tokens[k].norm == "من":
        return k + 1 - i
    if k < r.limit and d.tokens[k].is_word and d.tokens[k].norm[:1] == "ل" and len(
            d.tokens[k].norm) > 3:
        return k - i  # "لمدينة P": the next word carries the preposition
    return 0


_BROKEN_PLURALS = frozenset(_norm(w) for w in (
    "قرى", "مناطق", "أحياء", "مدن", "مواقع", "نقاط", "أراضي", "مساحات", "بلدات", "تلال", "مزارع",
    "حقول"))


def _after_plural(r: _Reader, i: int) -> bool:
    """The word before token i is a plural noun (after any other adjectives)."""
    d = r.doc
    for j in range(i - 1, max(-1, i - 4), -1):
        if not d.tokens[j].is_word:
            return False
        for v, _ in proclitic_variants(d.tokens[j].norm):
            cand = strip_article(v)
            if cand in _BROKEN_PLURALS or (cand.endswith("ات") and len(cand) > 4):
                return True
        if not r.is_(j, "nonplace"):
            return False
    return False


#: Kind words that are followed by a settlement's name, never by an adjective ("مدينة كوباني").
_SETTLEMENT_KINDS = frozenset({"مدينه", "بلده", "قريه", "حي", "مخيم", "مدينتي", "بلدتي", "قريتي",
                               "حيي", "ناحيه", "مزرعه", "ضاحيه"})


def _name_at(r: _Reader, i: int, *, lead_kind: bool) -> tuple[int, int, bool, bool] | None:
    """``(last token, proclitic letters, known, licensed)`` of a name starting at token i."""
    d = r.doc
    t = d.tokens[i]
    sp = d.name_at.get(i)
    if sp is not None and sp.first == sp.last and (_function_word(r, i) or i in r.triggers or (
            t.norm in _DESCRIPTIVE) or (not lead_kind and _definite_common(r, i))):
        sp = None  # "أصبح", "التقدم", "التلة": a village's name that is a common word here
    if sp is not None and sp.first == sp.last and t.latin and r.is_(i, "nonplace"):
        return None  # "..., Syria": the country, not a place of it
    if (sp is None or sp.first == sp.last) and r.is_(i, "nonplace") and _after_plural(r, i):
        return None  # "قرى وبلدات جديدة", "مناطق واسعة": an adjective, not the village جديدة
    if sp is not None and sp.last < r.limit:
        pre = _proclitic_len(d, i, sp.value.start)
        return _extend(r, sp.last), pre, True, True
    if t.latin:
        return _latin_name(r, i, lead_kind=lead_kind)
    if r.blocked(i) or (r.is_(i, "nonplace") and not lead_kind) or r.is_(i, "anaphor") or r.is_(
            i, "people"):
        return None
    if r.is_(i, "nonplace") and t.norm[:1] == "و" and not (i > 0 and r.is_(i - 1, "kind")):
        return None  # "حي P وهجوم عنيف": a later item that is a common noun ends the list
    if r.is_(i, "title"):
        return None
    if t.norm[:1] == "ب" and len(t.norm) > 3 and i > 0 and r.is_(i - 1, "kind"):
        return None  # "قريتين بوادي بردى": where the two villages are, not a third place
    if t.norm.endswith(("ها", "هم", "هما")) and len(t.norm) > 4:
        return None  # "تلتها": its hill, a noun with a pronoun, not a name
    if not t.norm.startswith("ال") and t.norm.endswith(("ي", "يه")) and len(t.norm) > 3 and (
            i + 1 >= r.limit or r.blocked(i + 1) or not d.tokens[i + 1].is_word) and (
            i > 0 and r.is_(i - 1, "kind")) and reading_in(d.tokens[i - 1].norm,
                                                      _SETTLEMENT_KINDS) is None:
        return None  # "تجمع سكني": an adjective after the kind word, not a name
    skip = 0
    last = i
    j = i + 1
    while j < r.limit and j - i < MAX_UNKNOWN_WORDS:
        if _compass_suffix(r, j):
            last = j  # "كاجو شرقي وتل عطاش": East Kajo, a name of its own
            break
        if not d.tokens[j].is_word or r.blocked(j):
            break
        if j in d.name_at:
            if lead_kind and not d.tokens[j].norm.startswith(("و", "ب", "ل")):
                last = d.name_at[j].last  # "حي طريق الباب": a name that holds another
            break
        n = d.tokens[j].norm
        if n == "و":
            break  # "بيندر الكبير و بيندر الصغير": the next item
        if n.startswith("و") and not n.startswith("وادي") and n[1:] and len(n) > 3 and (
                j + 0) not in d.name_cover:
            break  # "وX": the next item
        if n.startswith(("بال", "لل")) and len(n) > 4:
            break  # "بالطبقة": a place after the name, "in Tabqa"
        if r.is_(j, "kind") or r.is_(j, "nonplace") or r.is_(j, "people") or r.is_(
                j, "full") or r.is_(j, "partial") or _descriptive(n):
            break
        last = j
        j += 1
    return last, skip, False, lead_kind


_FUNCTION_CLASSES = ("become", "stop", "negation", "direction", "opener", "future", "intent",
                     "denial", "still", "helper", "list_intro", "full", "partial", "remainder")


def _function_word(r: _Reader, i: int) -> bool:
    """A one-word gazetteer name that is a function word of the grammar."""
    n = r.doc.tokens[i].norm
    return any(r.w.is_a(n, c, proclitics=False) for c in _FUNCTION_CLASSES)


def _definite(norm: str) -> bool:
    """The word carries the article (after an optional و/ب/ف)."""
    return norm.startswith("ال") or (norm[:1] in ("و", "ب", "ف") and norm[1:].startswith("ال"))


def _definite_common(r: _Reader, i: int) -> bool:
    """A definite kind or landmark word ("التلة", "الجبل"): a common noun, not a name."""
    n = r.doc.tokens[i].norm
    for v in (n, n[1:]) if n[:1] in ("و", "ب", "ف") else (n,):
        if v.startswith("ال") and len(v) > 3 and (
                r.w.is_a(v[2:], "kind", proclitics=False) or r.w.is_a(v[2:], "landmark",
                                                                      proclitics=False)):
            return True
    return False


def _descriptive(norm: str) -> bool:
    return norm in _DESCRIPTIVE or norm.startswith(("الواقع", "المتاخم", "المحاذي", "القريب"))


def _is_nisba(norm: str) -> bool:
    """An adjective of relation with the article ("الإسلامية", "الأثري"): part of a name."""
    return norm.startswith("ال") and len(norm) > 4 and norm.endswith(("يه", "ي"))


#: Compass adjectives without the article that end many village names ("كاجو شرقي").
_COMPASS_NISBA = frozenset({"شرقي", "غربي", "شمالي", "جنوبي", "قبلي"})


def _compass_suffix(r: _Reader, j: int) -> bool:
    """Token j is a compass adjective that ends the name before it: nothing that could be
    located by it follows ("كاجو شرقي وتل عطاش", "تل أبيض شرقي،"); "X شرقي حلب" locates X."""
    d = r.doc
    if j >= r.limit or not d.tokens[j].is_word or d.tokens[j].norm not in _COMPASS_NISBA:
        return False
    k = j + 1
    if k >= len(d) or not d.tokens[k].is_word:
        return True
    n = d.tokens[k].norm
    return (n.startswith("و") and len(n) > 2 and not r.w.is_a(n, "anaphor")) or n in (
        "على", "علي", "في", "من", "الى", "إلى", "بعد", "قبل", "و")


def _bare_head(norm: str) -> str:
    return norm[1:] if norm[:1] == "و" and norm[1:] in _NAME_HEADS else norm


def _extend(r: _Reader, last: int) -> int:
    """A known name's end, taking a qualifier, a nisba adjective or a name glued after it
    ("البيضة الشرقية", "المقبرة الإسلامية", "مساكن هنانو")."""
    d = r.doc
    start = last
    for _ in range(3):
        j = last + 1
        if _compass_suffix(r, j):
            last = j  # "قرية تل أبيض شرقي، ...": a village of its own
            break
        if j >= r.limit or not d.tokens[j].is_word or r.blocked(j) or j in d.actor_at:
            break
        n = d.tokens[j].norm
        if _descriptive(n) or r.is_(j, "full") or r.is_(j, "partial"):
            break
        if n in _QUALIFIERS or (_is_nisba(n) and not r.is_(j, "nonplace")):
            last = j
            continue
        if d.tokens[j].latin:
            if _cap(d.tokens[j]) and n not in _LATIN_NOT_NAMES and not n.endswith(("'s", "’s")):
                last = j  # "Sahm Joulan": a known word and the rest of the name
                continue
            if r.is_(j, "landmark"):
                last = j  # "Tabqa Dam", "Nasib border crossing"
                continue
            if n in _LATIN_PRE_LANDMARK and j + 1 < r.limit and r.is_(j + 1, "landmark"):
                last = j + 1
                continue
            break
        sp = d.name_at.get(j)
        if sp is not None and sp.last < r.limit and not n.startswith("و") and (
                sp.value.start <= d.tokens[j].start):
            last = sp.last  # "مساكن هنانو": a name glued to a name ("بحمص" is "in Homs")
            continue
        if sp is None and j - 1 == start and _bare_head(d.tokens[start].norm) in _NAME_HEADS and (
                not r.is_(j, "nonplace")) and not r.is_(j, "kind") and not _descriptive(n) and (
                not n.startswith("و")):
            last = j  # "كفر مز", "تل X": a name head that is also a place's name, and the rest
            continue
        if sp is None and n.startswith("ال") and len(n) > 3 and not r.is_(j, "nonplace") and (
                not n.endswith(("تين", "يين", "تان", "ات"))) and n not in _LOCATIVE_HEADS and (
                not r.is_(j, "kind")) and not r.is_(j, "anaphor") and not r.is_(j, "people") and (
                j + 1 >= r.limit or (not d.tokens[j + 1].is_word and d.tokens[j + 1].text in (
                    "،", ",", ".")) or d.tokens[j + 1].norm[:1] == "و"):
            last = j  # "وصيدا الحانوت، بعد ...": a second word of the name, then the list
        break
    return last


def _landmark_proclitic(r: _Reader, i: int) -> int:
    """Letters of a proclitic on a landmark head ("لحوض", "وجبل"): 0 when there is none."""
    n = r.doc.tokens[i].norm
    if r.w.is_a(n, "landmark", proclitics=False):
        return 0
    for pre in ("وب", "ول", "وال", "بال", "و", "ب", "ل", "ف"):
        rest = n[len(pre):]
        if n.startswith(pre) and rest and (r.w.is_a(rest, "landmark", proclitics=False) or (
                pre.endswith("ال") and r.w.is_a(rest, "landmark", proclitics=False))):
            return len(pre) - (2 if pre.endswith("ال") else 0)
    return 0


def _proclitic_len(doc: Doc, i: int, name_start: int) -> int:
    """Letters between the token's start and the name's start (the proclitic)."""
    t = doc.tokens[i]
    if name_start <= t.start:
        return 0
    return len(re.sub("[\u064b-\u065f\u0640]", "", doc.text[t.start:name_start]))


_CAP_ARTICLE = re.compile(r"^(?:al|el|ad|as|ash|ar|az|at|an|ez|es|ed|et|bin|ibn|abu|abou|um|umm)"
                          r"[-'’]?[A-Z]")


def _cap(tok: object) -> bool:
    """A capitalised Latin word, or an article glued to a capital ("al-Halabi")."""
    text = getattr(tok, "text", "")
    return bool(text) and (text[0].isupper() or bool(_CAP_ARTICLE.match(text)))


def last_word_after(d: Doc, j: int, limit: int) -> str:
    """The first lowercase word after the capitalised run starting at token j."""
    k = j
    while k < limit and d.tokens[k].is_word and _cap(d.tokens[k]):
        k += 1
    return d.tokens[k].norm if k < limit and d.tokens[k].is_word else ""


def _latin_name(r: _Reader, i: int, *, lead_kind: bool) -> tuple[int, int, bool, bool] | None:
    d = r.doc
    j = i
    # "the prized Nassib border crossing": skip a few lowercase adjectives before capitals
    skipped = 0
    while (j < r.limit and d.tokens[j].is_word and skipped < _ADJ_SKIP
           and (not _cap(d.tokens[j]) or d.tokens[j].norm in _LATIN_NOT_NAMES)
           and (d.tokens[j].norm in _LATIN_DESCRIPTORS or not _cap(d.tokens[j]))
           and d.tokens[j].norm not in _LATIN_CONNECTORS and not r.blocked(j)
           and not r.is_(j, "kind") and not r.is_(j, "landmark")
           and not r.is_(j, "nonplace") and d.tokens[j].norm not in ("position", "positions",
                                                                     "posts", "post")):
        j += 1
        skipped += 1
    if j >= r.limit or not d.tokens[j].is_word:
        return None
    first_norm = d.tokens[j].norm
    cap = _cap(d.tokens[j]) or first_norm.split("-")[0] in ("al", "el", "ad", "as", "ash", "ar",
                                                             "az", "at", "an")
    if not cap or r.blocked(j) or j in d.actor_at or first_norm in _LATIN_NOT_NAMES:
        return None
    if r.is_(j, "nonplace") and not (j + 1 < r.limit and d.tokens[j + 1].is_word and _cap(
            d.tokens[j + 1]) and j + 1 not in d.date_at):
        return None  # "..., Syria": the country, not a place of it
    if first_norm.endswith(("'s", "’s")):
        return None  # "Daraa's western countryside": the possessor, not the place
    nxt = last_word_after(d, j, r.limit)
    if nxt in ("says", "said", "told", "reported", "reports", "announced", "claimed", "news"):
        return None  # "..., Turkey says": the speaker
    if skipped and j != i and d.tokens[i].norm in ("the", "a"):
        pass
    last = j
    k = j + 1
    while k < r.limit and d.tokens[k].is_word and k - j < 6:
        tk = d.tokens[k]
        if k in d.actor_at or k in d.date_at:
            break
        if (_cap(tk) and tk.norm not in _LATIN_NOT_NAMES) or (
                tk.norm in _LATIN_CONNECTORS and k + 1 < r.limit
                and _cap(d.tokens[k + 1]) and tk.norm != "of"):
            last = k
            k += 1
            continue
        if r.is_(k, "landmark") and not r.is_(k, "stop"):
            last = k  # "Tabqa Dam", "Jazal oil field"
            k += 1
            continue
        if tk.norm in _LATIN_PRE_LANDMARK and k + 1 < r.limit and r.is_(k + 1, "landmark"):
            k += 1
            continue
        break
    if j != i and skipped and not any(_cap(d.tokens[x]) for x in range(j, last + 1)):
        return None
    known = any(x in d.name_cover for x in range(j, last + 1))
    r.latin_start = j
    return last, 0, known, True


def parse_slot(doc: Doc, start: int, words: WordClasses, *, limit: int | None = None,
               triggers: frozenset[int] = frozenset(), head_kind: str = "") -> Slot:
    """The places from token `start` on (see the module docstring); never raises.

    `head_kind`: a plural kind word named before the slot ("الأحياء التي ... هي A، B"), which
    makes every item of the list a place of that kind.
    """
    sent_end = doc.sentence(start)[1] if start < len(doc) else len(doc)
    lim = min(sent_end, limit if limit is not None else sent_end)
    r = _Reader(doc, words, lim, triggers)
    slot = Slot(end=start)
    i = _quantifier(r, start, slot)
    kind = head_kind
    plural_kind = bool(head_kind)
    # the list began with a plural kind ("عدة قرى منها ..."): all its items are places
    head_plural = bool(head_kind)
    one_off: tuple[bool, float | None] | None = None
    dual_left = 0
    kind_end = -1
    while i < lim and len(slot.items) < MAX_ITEMS:
        t = doc.tokens[i]
        if not t.is_word:
            if t.text in ("،", ",", ":", "(", ")", "\"", "“", "”", "«", "»", "'", "-", "/", "&"):
                if t.text == "(" and slot.items and i == slot.items[-1].last + 1:
                    # a remark in brackets right after an item: "الصفصافة (حلب القديمة)"
                    close = next((k for k in range(i + 1, min(lim, i + 8))
                                  if doc.tokens[k].text == ")"), None)
                    if close is not None:
                        i = close + 1
                        continue
                i += 1
                continue
            break
        n = t.norm
        if n in ("and", "و", "ثم", "or", "او") or (kind and n in _COUNT_WORDS):
            i += 1  # "حيين اثنين هما ...": the count after a kind word
            continue
        if slot.items and n in ("وعلي", "علي", "ومن", "وفي", "والي") and i + 1 < lim and (
                i not in doc.name_at):
            i += 1  # the preposition repeated before the next item
            continue
        k = r.is_(i, "list_intro")
        if k:
            i += k
            if i < lim and doc.tokens[i].norm in ("الي", "to", "ل"):
                i += 1
            continue
        if slot.items and slot.items[-1].last == i - 1 and not slot.items[-1].known and (
                r.w.is_a(n, "name_tail", proclitics=False)):
            # "جقلا وسطاني": upper/middle/lower is part of the name, even when it begins with و
            last = slot.items[-1]
            last.last, last.text = i, f"{last.text} {t.text}"
            i += 1
            continue
        # an "و" glued to the next item
        waw = 1 if (not t.latin and n.startswith("و") and (len(n) > 3 or n[1:] in _NAME_HEADS)
                    and slot.items
                    and i not in doc.name_at and not r.is_(i, "kind")) else 0
        if waw:
            rest = n[1:]
            if words.is_a(rest, "kind") or words.is_a(rest, "landmark") or words.is_a(
                    rest, "anaphor") or words.is_a(rest, "partial") or words.is_a(rest, "full"):
                waw = 1
        k = r.is_(i, "kind")
        if k and not t.latin and n[:1] in ("ب", "ل") and not r.w.is_a(n, "kind",
                                                                     proclitics=False) and not (
                n[:1] == "ل" and slot.partial and not slot.items
                and i == start + _part_len(r, start)):
            break  # "بمنطقة عفرين", "بناحية جنديرس": where the places are, not one of them
        if k and not slot.items and i + k < lim and doc.tokens[i + k].norm in (
                "منها", "منه", "فيها", "فيه") and (
                i + k + 1 >= lim or not doc.tokens[i + k + 1].is_word
                or r.blocked(i + k + 1) or doc.tokens[i + k + 1].norm.startswith("و")):
            # "سيطرت على أحياء منها": some of its neighbourhoods, a part of the place
            slot.items.append(Item(i + k, i + k, doc.tokens[i + k].text, False, True,
                                   anaphor=True, partial=True, fraction=0.25))
            break
        if k and t.latin and n in _EN_ANAPHOR_KINDS and i > 0 and (
                doc.tokens[i - 1].norm == "the") and (
                i + 1 >= lim or not doc.tokens[i + 1].is_word or (
                    doc.tokens[i + 1].norm not in ("of", "and") and r.blocked(i + 1))):
            # "captured the town on Monday": the town named before
            slot.items.append(Item(i, i, f"the {t.text}", False, True, "", anaphor=True,
                                   partial=slot.partial, fraction=slot.fraction))
            i = _after_item(r, i)
            if i < 0:
                break
            continue
        if k:
            was_plural = plural_kind and not slot.items
            kind = n
            plural_kind = was_plural or n.endswith(("ات", "ي", "ين")) or n in _PLURAL_KINDS or (
                t.latin and n.endswith("s")) or (i > 0 and (doc.tokens[i - 1].norm.isdigit() or (
                    doc.tokens[i - 1].norm in _COUNT_WORDS)))
            # a dual ("قريتي", "بلدتين") names two places
            dual_left = 2 if (not t.latin and n.endswith(("تي", "تين", "يي", "يين"))
                              and n not in _PLURAL_KINDS) else 0
            j = i + k
            if j < lim and doc.tokens[j].norm in ("of", "من") and t.latin:
                j += 1
            if j < lim and doc.tokens[j].norm in ("the",):
                j += 1
            i = kind_end = j
            continue
        if r.is_(i, "anaphor") and i + 1 < lim and doc.tokens[i + 1].norm in _QUALIFIERS:
            # "المدينة القديمة", "الحي الشرقي": a named part, not a pointer back
            slot.items.append(Item(i, i + 1, _surface(doc, i, i + 1, 1 if waw else 0), False,
                                   True, "", partial=slot.partial, fraction=slot.fraction))
            i = _after_item(r, i + 1)
            if i < 0:
                break
            continue
        if r.is_(i, "anaphor") and not (i + 1 < lim and i + 1 in doc.name_at):
            slot.items.append(Item(i, i, doc.surface(i, i), False, True, "", anaphor=True,
                                   partial=slot.partial if one_off is None else one_off[0],
                                   fraction=slot.fraction if one_off is None else one_off[1]))
            one_off = None
            j = i
            while j + 1 < lim and doc.tokens[j + 1].is_word and (
                    _is_nisba(doc.tokens[j + 1].norm) or doc.tokens[j + 1].norm in _DESCRIPTIVE):
                j += 1  # "والمدينة الأثرية"
            i = _after_item(r, j)
            if i < 0:
                break
            continue
        if t.latin and n == "it" and not slot.items:
            slot.items.append(Item(i, i, "it", False, True, "", anaphor=True))
            i += 1
            break
        if t.latin and _cap(t) and not slot.items:
            k = i
            while k < lim and doc.tokens[k].is_word and _cap(doc.tokens[k]) and k - i < 3:
                k += 1
            if k + 1 < lim and r.is_(k, "kind") and doc.tokens[k + 1].norm == "of":
                i = k  # "the Euphrates town of al-Mayadin": the capitals describe the town
                continue
        if t.latin and (n in ("the", "a", "nearby") or (
                n in _LATIN_DESCRIPTORS and i + 1 < lim and (r.is_(i + 1, "kind") or (
                    doc.tokens[i + 1].norm in _LATIN_DESCRIPTORS)))):
            i += 1
            continue
        if r.is_(i, "partial") or r.is_(i, "full"):
            # a quantifier inside the list is the next item's own ("A وأجزاء من B")
            mid = Slot()
            i = _quantifier(r, i, mid)
            one_off = (mid.partial, mid.fraction)
            continue
        # "حي الثكنة": right after a kind word, a landmark word is the name itself
        landmark = 0 if (kind and i == kind_end) else r.is_(i, "landmark")
        first = i
        after_landmark = i + landmark
        use_head = bool(landmark) and after_landmark < lim and doc.tokens[
            after_landmark].is_word and not r.blocked(after_landmark) and not (
            doc.tokens[after_landmark].norm.startswith("و")
            and after_landmark not in doc.name_at) and not r.is_(
            after_landmark, "nonplace") and not r.is_(after_landmark, "kind") and not (
            first in doc.name_at and (doc.name_at[first].last > first or (
                _definite(n) and after_landmark not in doc.name_at))) and not r.is_(
            after_landmark, "full") and not r.is_(after_landmark, "partial") and (
            doc.tokens[after_landmark].norm not in _DESCRIPTIVE)
        if landmark and not use_head and not t.latin and first not in doc.name_at and (
                n.startswith("ال") or n[1:].startswith("ال")):
            break  # "التلة المطلة على ...": a landmark named by description only
        r.latin_start = -1
        if landmark and not use_head and first not in doc.name_at and not t.latin:
            break  # "سيطرت على مشفى وشارع": a landmark with no name
        got = _name_at(r, after_landmark if use_head else i,
                       lead_kind=bool(kind) or bool(landmark))
        if got is None and plural_kind and not slot.items:
            # "السيطرة على 4 قرى خلال يومين، وهي A وB": the list comes after a short phrase
            ahead = next((k for k in range(i, min(lim, i + LIST_AHEAD)) if doc.tokens[k].is_word
                          and r.is_(k, "list_intro")), None)
            if ahead is not None and not any(
                    x in r.triggers or (x in doc.actor_at and not _after_from(doc, x))
                    for x in range(i, ahead)):
                i = ahead  # "captured 13 villages from the SDF, including A, B": past the loser
                continue
        if got is None and slot.items and not t.latin and n.endswith(("تها", "ته")) and len(
                n) > 4:
            # "عاكولة وتلتها الإستراتيجية وعلى لالا محمد": the place's own hill, then the list
            # goes on
            j = i + 1
            while j < lim and doc.tokens[j].is_word and (
                    _is_nisba(doc.tokens[j].norm) or doc.tokens[j].norm in _DESCRIPTIVE):
                j += 1
            i = j
            continue
        if got is None and slot.items and not t.latin and n.startswith("و") and r.is_(
                i, "anaphor"):
            # "مدينة تدمر والمدينة الأثرية ومطار تدمر": a description of the place named,
            # then the list goes on
            j = i + 1
            while j < lim and doc.tokens[j].is_word and (
                    _is_nisba(doc.tokens[j].norm) or doc.tokens[j].norm in _DESCRIPTIVE):
                j += 1
            if j < lim and j > i + 1 and (doc.tokens[j].text in ("،", ",") or (
                    doc.tokens[j].is_word and doc.tokens[j].norm.startswith("و"))):
                i = j
                continue
        if got is None:
            break
        if r.latin_start >= 0 and not use_head:
            first = r.latin_start  # lowercase adjectives before the name are not the name
        last, pre, known, licensed = got
        if waw and not known and not use_head:
            pre = 1  # "والمقرز": the و joins the list, it is not the name
        if use_head:
            pre = _proclitic_len(doc, first, doc.name_at[first].value.start) \
                if first in doc.name_at else _landmark_proclitic(r, first)
        if not known and not kind and (r.is_(first, "title") or (
                first > 0 and r.is_(first - 1, "title"))):
            break
        if t.latin and last + 1 < lim and doc.tokens[last + 1].norm in (
                "province", "governorate", "countryside"):
            last += 1  # "al-Jina, Aleppo province": the region is named, not a place in it
        text = _surface(doc, first, last, pre)
        if text.endswith(("'s", "’s")):
            text = text[:-2]  # "parts of Hajin's eastern neighbourhoods": Hajin
        head_plural = head_plural or (plural_kind and not slot.items)
        item = Item(first, last, text, known, known or licensed or bool(kind) or bool(landmark)
                    or (head_plural and bool(slot.items)), kind=kind)
        if not item.licensed:
            break  # a word the gazetteer lacks, with nothing saying it is a place
        if one_off is not None:
            item.partial, item.fraction = one_off
            one_off = None
        else:
            item.partial, item.fraction = slot.partial, slot.fraction
        slot.items.append(item)
        if last + 2 < lim and doc.tokens[last + 1].norm in ("بنسبه", "by"):
            pct = r.percent_at(last + 2)  # "يسيطران على مدينة القصير بنسبة 80%"
            if pct is not None and pct[0] < 0.999:
                item.partial, item.fraction = True, pct[0]
                last = last + 1 + pct[1]
        if dual_left:
            dual_left -= 1
            if not dual_left:
                plural_kind = False
        if not plural_kind:
            kind = ""
        nxt = _after_item(r, last)
        if nxt < 0:
            # "ومحطة جبسة النفطية الرئيسية، وأم الكهير": past an adjective, the list goes on
            j = last
            while j + 1 < lim and doc.tokens[j + 1].is_word and j + 1 not in doc.name_at and (
                    _is_nisba(doc.tokens[j + 1].norm) or doc.tokens[j + 1].norm in _DESCRIPTIVE):
                j += 1
            if j > last:
                nxt = _after_item(r, j)
        if nxt < 0:
            nxt = _past_locative(r, last, open_list=head_plural)
            if nxt < 0:
                break
            kind, plural_kind = "", False  # a new item must name its own kind
        i = nxt
    # a name the gazetteer lacks counts only after a kind word or a landmark head
    slot.items = [it for it in slot.items if it.licensed]
    slot.end = i
    return slot


def _after_from(doc: Doc, x: int) -> bool:
    """The actor covering token x stands after "from"/"من" (the side a place was taken from)."""
    sp = doc.actor_at[x]
    k = sp.first - 1
    while k >= 0 and doc.tokens[k].is_word and doc.tokens[k].norm in ("the", "تنظيم", "قوات"):
        k -= 1
    if k >= 1 and doc.tokens[k].text == "(" and (k - 1) in doc.actor_at:
        return _after_from(doc, k - 1)  # "from the Syrian Democratic Forces (SDF)"
    return k >= 0 and doc.tokens[k].norm in ("from", "من")


def _after_item(r: _Reader, last: int) -> int:
    """The token after item `last` where the next item may begin, or -1 at the slot's end."""
    d = r.doc
    j = last + 1
    if j >= r.limit:
        return -1
    t = d.tokens[j]
    if not t.is_word:
        if t.text in ("،", ",", "/", "&"):
            return j
        if t.text == "(":
            close = next((k for k in range(j + 1, min(r.limit, j + 8))
                          if d.tokens[k].text == ")"), None)
            return -1 if close is None else _after_item(r, close)
        if t.text in ("\"", "“", "”", "«", "»", "'", ")"):
            return _after_item(r, j)
        return -1
    n = t.norm
    if t.latin and (r.is_(j, "kind") or r.is_(j, "landmark")) and not r.is_(j, "stop"):
        return _after_item(r, j)  # "Afrin city and ...", "Matli villages"
    if r.is_(j, "full") or n in ("تماما", "كاملا"):
        return _after_item(r, j + r.is_(j, "full") - 1 if r.is_(j, "full") else j)
    if n in ("and", "و", "ثم", "&", "or", "او"):
        return j
    if not t.latin and n.startswith("و") and len(n) > 2:
        return j  # "وX": the next item, if it is one
    if r.is_(j, "list_intro"):
        return j
    return -1


#: Tokens a locative phrase after an item may span before the list goes on.
LOCATIVE_REACH = 8
_LOCATIVE_HEADS = frozenset({"التابعه", "التابع", "التابعتين", "التابعين", "الواقعه", "الواقع",
                             "الواقعتين", "في", "ب", "قرب", "بالقرب", "شمال", "جنوب", "شرق",
                             "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "in", "near", "north",
                             "south", "east", "west", "of", "on"})


def _past_locative(r: _Reader, last: int, *, open_list: bool = False) -> int:
    """After "P التابعة لناحية X" / "P جنوبي المدينة" / "P in the west": where the list goes
    on ("وقرية Q", "وعلى قريتي ...", "و Q غربيها", "and Q"), or -1.

    Only a next item that names its kind (a kind word or landmark head) or is a known name
    is taken, so the locative's own names are never read as items.
    """
    d = r.doc
    j = last + 1
    while j < r.limit and not d.tokens[j].is_word and d.tokens[j].text in ("\"", "”", "»", "'"):
        j += 1  # 'ناحية "شيخ حديد" جنوب غربي عفرين': past the closing quote
    if j >= r.limit:
        return -1
    t = d.tokens[j]
    n = t.norm
    side = n == "من" and j + 1 < r.limit and d.tokens[j + 1].norm in (
        "الجهه", "جهه", "الناحيه", "الطرف", "القسم", "الجانب")  # "من الجهة الشرقية"
    if not (t.text == "(" or side or n in _LOCATIVE_HEADS or (
            not t.latin and n[:1] in ("ب", "ل") and len(n) > 3) or r.is_(j, "direction")):
        return -1
    for k in range(j + 1, min(r.limit, j + LOCATIVE_REACH)):
        tk = d.tokens[k]
        if tk.is_word and tk.norm in ("بين", "between"):
            return -1  # "الواقعة بين A و B": the names locate it, they are no items
        if not tk.is_word:
            if tk.text in (".", ";", "؛", ":", "!", "?", "؟"):
                return -1
            continue
        if k in d.actor_at or k in r.triggers or r.is_(k, "opener") or r.is_(k, "verb"):
            return -1  # "بريف حلب، في حين ذكرت وكالتا ...": another clause
        kn = tk.norm
        if r.is_(k, "list_intro") and kn not in ("منها", "ومنها", "هي", "وهي", "هما", "وهما"):
            return k  # "west of the town of P as well as A, B": the list goes on
        if kn in ("and",) and k + 1 < r.limit and (
                d.tokens[k + 1].upper or r.is_(k + 1, "kind")):
            return k + 1
        if not tk.latin and kn.startswith("و") and len(kn) > 2:
            rest = kn[1:]
            if rest in ("علي", "في") and k + 1 < r.limit:
                return k + 1  # "... وعلى قريتي"
            if r.w.is_a(rest, "kind", proclitics=False) or r.w.is_a(
                    rest, "landmark", proclitics=False) or (k in d.name_at and d.tokens[
                        k + 1 if k + 1 < r.limit else k].norm not in ("", )
                        and _after_is_locative(r, d.name_at[k].last)):
                return k
            if open_list and len(kn) > 3 and not r.blocked(k) and not r.is_(k, "nonplace"):
                return k  # "أربعة أحياء هي A من الجهة الشرقية والرومانية": the list is open
    return -1


def _after_is_locative(r: _Reader, last: int) -> bool:
    """The name ending at `last` is itself followed by a locative ("واليرموك غربيها")."""
    j = last + 1
    if j >= r.limit:
        return True
    n = r.doc.tokens[j].norm
    return not r.doc.tokens[j].is_word or r.is_(j, "direction") or n in _LOCATIVE_HEADS or (
        n.startswith(("غربي", "شرقي", "شمالي", "جنوبي")))


#: Prepositions that locate a place by another ("A in B"): B is not what the phrase is about.
_LOCATIVES = frozenset({"in", "near", "inside", "outside"})
#: Adverbs between a place and the phrase after it ("P again came under ...").
_BEFORE_ADVERBS = frozenset({"again", "also", "now", "finally", "reportedly", "officially",
                             "had", "has", "have", "been",
                             "fully", "completely", "entirely", "once", "effectively"})


_REGION_WORDS = frozenset({"ريف", "محافظه", "منطقه", "ناحيه", "باديه", "مدينه", "شمال", "جنوب",
                           "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "وسط"})


def _locative_start(doc: Doc, j: int, s0: int) -> int | None:
    """Token that opens an Arabic locative phrase ending at token j ("في ريف درعا الغربي",
    "بمحافظة حماة"), when one does within five words; else None."""
    for q in range(j, max(s0, j - 5) - 1, -1):
        tok = doc.tokens[q]
        if not tok.is_word or tok.latin:
            return None
        n = tok.norm
        if n == "في" and q + 1 <= j and doc.tokens[q + 1].norm in _REGION_WORDS:
            return q
        if n[:1] == "ب" and n[1:] in _REGION_WORDS and q < j:
            return q
    return None


def parse_before(doc: Doc, end: int, words: WordClasses, *,
                 triggers: frozenset[int] = frozenset()) -> Slot:
    """The place (or list of places) that ends just before token `end` ("P fell to X")."""
    s0, _ = doc.sentence(max(0, end - 1)) if end else (0, 0)
    j = end - 1
    while j >= s0 and ((not doc.tokens[j].is_word and doc.tokens[j].text in (
            "،", ",", "\"", "”", "»", ")", "'")) or (
            doc.tokens[j].is_word and (doc.tokens[j].norm in _LINKING_VERBS
                                       or doc.tokens[j].norm in _BEFORE_ADVERBS
                                       or (doc.tokens[j].norm in ("the", "a") and j + 1 == end)))):
        if doc.tokens[j].text == ")":
            # "مدينة الزبداني (45 كم جنوب غرب العاصمة دمشق)، أصبحت": past the remark
            open_ = next((k for k in range(j - 1, max(s0 - 1, j - 16), -1)
                          if doc.tokens[k].text == "("), None)
            if open_ is not None and open_ > s0:
                j = open_ - 1
                continue
        j -= 1  # "half of Al-Bab remains under IS control": past the linking verb
    if j < s0:
        return Slot(end=end)
    if doc.tokens[j].is_word and words.match_words([doc.tokens[j].norm], 0, "anaphor"):
        # "لا تزال المدينة تحت سيطرة X": the town named before
        item = Item(j, j, doc.tokens[j].text, False, True, anaphor=True)
        for back in range(2, 6):  # "60% of the city has been liberated": a share of it
            if j - back < s0:
                break
            share = parse_slot(doc, j - back, words, limit=j + 1, triggers=triggers)
            if share.items and share.items[0].first == j and share.items[0].partial:
                item.partial, item.fraction = True, share.items[0].fraction
                break
        return Slot([item], end=end)
    loc = _locative_start(doc, j, s0)
    if loc is not None and loc - 1 >= s0 and (loc - 1) in doc.name_cover:
        return parse_before(doc, loc, words, triggers=triggers)  # "A وB في ريف C قد ..."
    if doc.tokens[j].latin and words.is_a(doc.tokens[j].norm, "nonplace") and j - 1 > s0 and (
            doc.tokens[j - 1].norm in ("of", "in", ",")):
        # "Palmyra city of Syria", "al-Rashideen, Syria": the country locates the place
        k = j - 1
        if doc.tokens[k].norm == "of" and words.is_a(doc.tokens[k - 1].norm, "kind"):
            k -= 1
        return parse_before(doc, k, words, triggers=triggers)
    # walk back to the start of the name (or list) that ends at j
    start = j
    sp = doc.name_cover.get(j)
    if sp is not None:
        start = sp.first
    else:
        k = j
        while k > s0 and j - k < MAX_UNKNOWN_WORDS - 1 and doc.tokens[k - 1].is_word and (
                k - 1) not in doc.actor_at:
            k -= 1
            if words.is_a(doc.tokens[k].norm, "kind") or words.is_a(doc.tokens[k].norm,
                                                                      "stop"):
                break
        start = k
    # include a list before it: "A و B و C <phrase>", "A, B and C <phrase>", "قرية A وقرية B"
    k = start

    def kind_before(x: int) -> int:
        """`x` moved back over a kind word or landmark head just before it."""
        while x - 1 >= s0 and doc.tokens[x - 1].is_word and (
                words.is_a(doc.tokens[x - 1].norm, "kind") or (
                    words.is_a(doc.tokens[x - 1].norm, "landmark")
                    and not _definite(doc.tokens[x - 1].norm))):
            x -= 1
        return x

    for _ in range(MAX_ITEMS):
        k = kind_before(k)
        p = k - 1
        while p >= s0 and not doc.tokens[p].is_word and doc.tokens[p].text in ("،", ","):
            p -= 1
        if p < s0:
            break
        prev = doc.name_cover.get(p)
        joined = doc.tokens[k].norm.startswith("و") or (p >= s0 and doc.tokens[p].norm in (
            "and", "و")) or (p + 1 < k and doc.tokens[p + 1].text in ("،", ","))
        if prev is not None and joined:
            k = prev.first
            continue
        q = p - 1
        while q > s0 and not doc.tokens[q].is_word and doc.tokens[q].text in ("،", ","):
            q -= 1  # "A, B, and C were taken": the comma before "and"
        if doc.tokens[p].norm in ("and", "و") and q >= s0 and doc.name_cover.get(q):
            k = doc.name_cover[q].first
            continue
        break
    # "A and B in C were taken": C locates the list; the list is what was taken
    p = k - 1
    for _ in range(3):  # "in western C", "in C, western D": C and D locate the list
        q = p
        while q > s0 and doc.tokens[q].is_word and words.is_a(doc.tokens[q].norm, "direction"):
            q -= 1
        if q != p and q > s0 and doc.tokens[q].text in ("،", ",") and (q - 1) in doc.name_cover:
            p = doc.name_cover[q - 1].first - 1
            continue
        p = q
        break
    if p > s0 and doc.tokens[p].is_word and doc.tokens[p].norm in _LOCATIVES:
        q = p - 1
        while q > s0 and not doc.tokens[q].is_word and doc.tokens[q].text in ("،", ","):
            q -= 1
        if q in doc.name_cover and q not in doc.actor_at:
            return parse_before(doc, q + 1, words, triggers=triggers)
    if p - 2 > s0 and doc.tokens[p].norm == "of" and words.is_a(
            doc.tokens[p - 1].norm, "kind") and (p - 2) in doc.name_cover:
        return parse_before(doc, p - 1, words, triggers=triggers)  # "Palmyra city of Syria"
    # a kind word or a landmark head just before the first name ("قرية X", "حوض X الخاضع")
    while k - 1 >= s0 and doc.tokens[k - 1].is_word and (
            words.is_a(doc.tokens[k - 1].norm, "kind") or (
                words.is_a(doc.tokens[k - 1].norm, "landmark")
                and not _definite(doc.tokens[k - 1].norm))):
        k -= 1
    if k - 1 >= s0 and doc.tokens[k - 1].is_word and doc.tokens[k - 1].norm in (
            "محافظه", "ريف", "باديه", "ناحيه", "بمحافظه", "بريف", "province", "countryside"):
        return Slot(end=end)  # "عدة قرى في محافظة حماة تحت سيطرة X": where, not what
    slot = parse_slot(doc, k, words, limit=j + 1, triggers=triggers)
    if slot.items and k - 1 >= s0 and doc.tokens[k - 1].is_word:
        # "60% of Raqqa has been liberated", "نصف مدينة P بات": a share before the name
        for back in range(1, 8):
            if k - back < s0:
                break
            share = parse_slot(doc, k - back, words, limit=j + 1, triggers=triggers)
            if share.items and share.items[0].first == slot.items[0].first and (
                    share.items[0].partial):
                slot = share
                break
    if slot.items and slot.items[-1].last < j - 1 and not (
            doc.name_cover.get(j) and slot.items[-1].last >= doc.name_cover[j].first):
        # the list did not reach the phrase: only its end counts
        slot.items = [it for it in slot.items if it.last >= j - 1]
    return slot
