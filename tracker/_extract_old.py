"""From a report to dated, sourced control claims (pure: data in, data out).

`extract(report, gazetteer, lexicon)` reads a report the way an analyst does:

1. **Sentences.** The text is split on Arabic and Latin sentence punctuation and newlines;
   sentences longer than `LONG_SENTENCE` characters (monitoring bulletins run whole
   paragraphs as one sentence) are cut again at comma + clause opener ("، حيث", "، فيما",
   "، في حين", ", while" ...). Each piece is a *chunk*; chunks remember their sentence.
2. **Spotting.** Actors (`lexicon.find`), place names (`gazetteer.spot`; capitalised Latin
   names the gazetteer resolves; a feature word such as قرية/بلدة/مدينة/مخيم/حي/منطقة
   followed by a name the gazetteer lacks), dates (`dates.find_dates` against the
   publication date; "منذ/since" dates are period starts, not event dates).
3. **Control phrases** (see `RULES`, after ``GLOSSARY.md``): captured, held, lost,
   contested (with a fraction: نصف 0.5, معظم/غالبية 0.75, أجزاء من/أطراف/قسم من 0.25),
   besieged, and pocket statements that enumerate an actor's whole remaining area (those
   become ``held`` claims sharing one `exclusive_group`). Each phrase is attached to its
   actor (subject before or after the verb; gender agreement breaks ties; an actor after
   "ضد"/"على حساب"/"طائرات" is no subject; an unrecognised group ("عناصر التنظيم" where
   the lexicon cannot tell which) blocks a guess rather than borrowing a neighbour) and to
   its places
   (the object after the verb, possibly after "على نحو نصف بلدة", a list "قريتي X وY",
   twenty villages joined by و, an enumeration "وهي X وY ..."; or the antecedent of a
   pronoun "التي سيطرت عليها"; or "the town" referring back to the place just claimed).
   "captured P from Y" also gives "Y lost P"; "X طردت Y من P" gives both. A verbal noun in
   construct ("انسحاب X من P", "خروج X من P") belongs to X. A pocket belongs to the actor
   the phrase names ("للتنظيم", "آخر جيب له", "its last pocket"), never to the other party
   of the sentence; every place listed (before or after the phrase) joins its group, and a
   bank or admin unit named in the sentence becomes the claims' `scope`. For ``besieged``
   the actor is the side surrounded and `besieger` the side surrounding it (a count of the
   besieged, "300 عنصر ... محاصرين", does not cancel the siege). A pocket's besieger is the
   side of a siege word before the phrase or after it in the same sentence ("، حيث تحاصر
   قوات النظام عناصره", "الجيب المحاصر من قبل قسد", "surrounded by the SDF", "the
   SDF-besieged pocket"), else the capturer of a place earlier in the sentence (or in the
   sentence "وبهذا التقدم"/"with this advance" points back to). **End-of-presence**
   statements ("لينتهي بذلك وجود التنظيم في المنطقة", "أنهت قوات النظام وجود التنظيم",
   "ending IS presence", "the last IS-held villages ... fell") become ``lost`` claims of the
   actor whose presence ended, for the places taken from it in the sentence (else the
   paragraph, else the report), sharing one `exclusive_group`, with `besieger` = the side
   that ended it and `scope` = the bank or admin unit named (dropped when a named place lies
   outside it). The coalition supports: a claim of its own control needs it to be the
   only party of the sentence.
4. **Not events**: intent and plans, forecasts, conditions, subjunctive and future verbs
   ("من المتوقع أن", "في حال تمكن X من", "قبل أن تتمكن", "ستسيطر", "if", "will", "is
   expected to", "aims to capture"), negation and denial, fire control, people moving and
   their destinations, counts of people, regions ("ريف حماة", "countryside of Hama", "Hama
   province") and admin units (see `_INTENT`, `_hypothetical`, `_NEGATION`, `_DENIAL`,
   `_FIRE`, `_MOVEMENT` and `NON_TARGET_KINDS`).
5. **Dates and confidence.** A date belongs to its clause (chunks are cut again at a comma
   opening a new finite clause: "، وإن", "، حيث", ", while"; a date inside a relative
   clause after the claim, "التي دخلها الأسبوع الفائت", dates that clause). A ``held`` or
   ``besieged`` state told in the present with no date of its own ("باتوا محاصرين", "لا
   تزال تحت سيطرة", "are besieged") is dated by the report. Otherwise the claim's date is
   the nearest date expression in its clause, else in its chunk
   (a date of the telling, "said on Monday", "أفاد اليوم", yields to another date there;
   "from the 21st to the 26th": the end, week precision), else the last date before it in
   the report, else the publication date (with its precision); "قبيل/before" lowers the
   precision to a month. The same claim twice in a report is kept once, dated by its own
   clause when one of the copies has a date there. Confidence starts at 0.9 and drops
   for an implicit actor, a borrowed or inferred date, an unresolved place, noun-only
   phrasing, and partisan sources (`_PARTISAN`).

Every claim keeps its evidence (character span in the report text, the sentence, the rule
name). Place mentions that do not resolve are returned as `Mention`s with their candidates.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from tracker.arabic import ARTICLE, FEATURE_WORDS, QUALIFIERS, TOKEN_RE
from tracker.model import PRECISIONS, ControlClaim, Evidence, Mention, Place, Report

if TYPE_CHECKING:
    from tracker.reports import ReportProblem

logger = logging.getLogger(__name__)

__all__ = ["RULES", "Extraction", "Rule", "extract", "extract_paths", "split_sentences"]

#: Sentences longer than this are cut at comma + clause opener.
LONG_SENTENCE = 220
#: Tokens searched after a verb for its object (the place list start).
OBJECT_WINDOW = 9
#: Tokens searched before a verb for a pronoun's antecedent place.
ANTECEDENT_WINDOW = 12
#: Place kinds that are never the target of a claim (kept as mentions).
NON_TARGET_KINDS = frozenset({"country", "governorate", "district", "subdistrict"})


class _Lexicon(Protocol):
    def find(self, text: str, *, context: str = "") -> list[Any]: ...


class _Gazetteer(Protocol):
    def spot(self, text: str) -> list[Any]: ...
    def resolve(self, name: str, context: Any = None) -> Any: ...
    def context_from_text(self, text: str) -> Any: ...


# ----------------------------------------------------------------------------- result


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


# ----------------------------------------------------------------------------- folding

_FOLD_MAP = {ord(k): v for k, v in {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي",
    "ک": "ك", "ی": "ي", "ڤ": "ف", "گ": "ك", "\u201c": '"', "\u201d": '"', "«": '"', "»": '"',
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
}.items()}
_DROPPED = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
                      "\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _lower(text: str) -> str:
    """Lower-case without changing the length (Turkish "İ" lower-cases to two characters)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _fold_keep_offsets(text: str) -> tuple[str, list[int] | None]:
    """Lower-cased folded text and a map folded index -> original index (None = identity)."""
    if _DROPPED.search(text) is None:
        return _lower(text.translate(_FOLD_MAP)), None
    out: list[str] = []
    omap: list[int] = []
    pos = 0
    for m in _DROPPED.finditer(text):
        out.append(text[pos:m.start()])
        omap.extend(range(pos, m.start()))
        pos = m.end()
    out.append(text[pos:])
    omap.extend(range(pos, len(text)))
    omap.append(len(text))
    return _lower("".join(out).translate(_FOLD_MAP)), omap


def _f(pattern: str) -> str:
    """Fold an Arabic regex pattern the way the text is folded (case is left alone)."""
    return pattern.translate(_FOLD_MAP)


# ----------------------------------------------------------------------------- words

def _ws(*words: str) -> frozenset[str]:
    return frozenset(_f(w).lower() for w in words)


_FEATURES = frozenset(_f(w) for w in FEATURE_WORDS) | _ws(
    "البلده", "بلدة", "بلدات", "قرى", "قري", "مدينة", "مخيم", "حقل", "مطار", "سد", "معبر",
    "town", "towns", "village", "villages", "city", "camp", "district", "neighbourhood",
    "neighborhood", "area", "hamlet", "oilfield", "field", "settlement", "settlements",
)
#: Indefinite feature words that introduce an unknown name ("قرية X").
_TRIGGERS = _ws("قرية", "بلدة", "مدينة", "مخيم", "حي", "منطقة", "قريتي", "بلدتي", "مدينتي",
                "ناحية", "مزرعة", "حقل", "تجمع", "قريتا", "بلدتا", "منطقتي")
#: Definite feature words that refer back to a place just named ("the town").
_ANAPHORS = _ws("المنطقة", "المدينة", "البلدة", "القرية", "المخيم", "الحي", "القريتين",
                "البلدتين", "المنطقتين")
_EN_ANAPHOR = re.compile(r"the (?:town|city|village|area|camp)\b")
_FILLERS = _ws(
    "على", "علي", "من", "في", "الى", "إلى", "نحو", "حوالي", "قرابة", "زهاء", "كامل", "كافة",
    "جميع", "عموم", "اكثر", "أكثر", "اقل", "عدد", "عدة", "مناطق", "مواقع", "تلة", "نقاط",
    "the", "of", "full", "complete", "control", "over", "most", "half", "parts", "part",
    "much", "all", "several", "some", "key", "strategic", "nearby", "besieged", "border",
    "frontier", "riverside", "desert", "northern", "southern", "eastern", "western", "main",
    "last", "remaining", "rest", "whole", "entire", "neighbouring", "neighboring", "two", "three",
    "سكني", "سكنية", "مزارع",
)
_FRACTIONS: tuple[tuple[frozenset[str], float], ...] = (
    (_ws("نصف", "half"), 0.5),
    (_ws("معظم", "غالبية", "most", "bulk"), 0.75),
    (_ws("أجزاء", "اجزاء", "أطراف", "اطراف", "قسم", "جزء", "جزءا", "أحياء", "احياء", "parts",
         "part", "outskirts", "edges"), 0.25),
)
#: Words that end a place list / unknown name.
_STOP = _ws(
    "في", "من", "على", "علي", "الى", "إلى", "خلال", "بعد", "قبل", "قبيل", "منذ", "حتى", "حيث",
    "التي", "الذي", "اللتين", "الواقعة", "الواقع", "الواقعتين", "الواقعين", "وسط", "عند", "مع",
    "ضد", "بين", "شرق", "غرب", "شمال", "جنوب", "شرقي", "غربي", "بريف", "ريف", "اليوم", "أمس",
    "امس", "بعد", "نقاط", "ومواقع", "مواقع", "أخرى", "اخري", "بالمنطقة", "وغيرها", "عبر",
    "لتنظيم", "للتنظيم", "التنظيم", "قوات", "عناصر", "جيب", "الجيب", "سيطرة", "وسيطرت",
    "يوم", "ليل", "صباح", "مساء", "فجر", "الجمعة", "السبت", "الأحد", "الاثنين", "الثلاثاء",
    "الأربعاء", "الخميس", "كما", "فيما", "إذ", "اذ", "لكن", "بينما", "ان", "أن", "إن",
    "on", "in", "from", "after", "before", "since", "during", "near", "north", "south",
    "east", "west", "with", "by", "to", "at", "as", "while", "which", "that", "and", "or",
    "last", "yesterday", "today", "were", "was", "is", "are", "had", "has", "have",
    "السورية", "السوري", "العراقية", "العراقي", "الحدود", "الحدودية", "المحتلة", "سوريا",
    "سورية", "نهر", "الفرات", "the",
)
_NAME_STOP = _STOP | _FILLERS | _ws("جنسيات", "شخص", "مدني", "مدنيين", "عنصر", "عنصرا",
                                    "مقاتل", "مقاتلين", "المتبقية", "الأخيرة", "الاخيره",
                                    "الأخير", "الاخير", "تابعة", "ذاته", "نفسها", "هذه", "هذا")
_CLAUSE_OPENERS = re.compile(_f(
    r"[،,;؛]\s*(?:و)?(?:حيث|فيما|كما|إذ|اذ|في حين|بينما|وسط|بعد|عقب|لكن|كذلك|وذلك|ما |مما|"
    r"ليرتفع|لتدور|ليقترب|لي|while|as |after|but|which|and then|whereas)"))
_SENT_END = re.compile(r"(?:(?<![A-Z])[.!?](?=\s|$|[\"'»”)])|[؟؛;…\n]|\.{3})")

_ACTOR_FEMININE = _ws("قوات", "القوات", "هيئة", "الهيئة", "قسد", "وحدات", "فصائل", "ميليشيا",
                      "ميليشيات", "حركة", "الحكومة", "الفصائل", "الوحدات", "الدولة")
_ACTOR_MASCULINE = _ws("تنظيم", "التنظيم", "داعش", "الجيش", "جيش", "الحشد", "حزب", "لواء",
                       "الحرس", "النظام")
#: Words before an actor that make it the object, not the subject ("against X").
_OBJECT_MARKERS = _ws("ضد", "حساب", "وجود", "تواجد", "مواقع", "against", "from", "لوجود",
                      "طائرات", "طيران", "غارات", "ضربات", "مدفعية", "بدعم", "دعم", "بمساندة",
                      "مساندة", "بغطاء", "aircraft", "jets", "airstrikes")

_PARTISAN = re.compile(_f(
    r"وكالة أعماق|أعماق|وزارة الدفاع الروسية|سانا|الإعلام الحربي|الاعلام الحربي|"
    r"\bamaq\b|\bsana\b|russian (?:defen[cs]e )?ministry|ministry of defen[cs]e"), re.I)
_PARTISAN_PUBLISHERS = re.compile(r"amaq|sana|أعماق|سانا|anha|hawar", re.I)

# --------------------------------------------------------------- guards (not events)

_INTENT = re.compile(_f(
    r"تعتزم|يعتزم|تنوي|ينوي|تستعد|يستعد|استعداد|تهدف|يهدف|تسعى|يسعى|محاولة|محاولات|"
    r"محاولته|محاولتها|لمحاولة|التحضير|تحضير|تخطط|يخطط|تترقب|يترقب|خطة|في حال|إذا|اذا|"
    r"لصد|لإرغام|لارغام|بهدف|لإنهاء|تطمح|تأمل|ستعمل|سوف|تتوعد|توعدت|تهدد|هددت|قرار|بقرار|"
    r"\bdecision\b|\bdecided\b|"
    r"\bplans?\b|\bplanning\b|intends?|\baims?\b|preparing|prepares?|attempts?|attempting|"
    r"\btry\b|tries|trying|\bwould\b|\bwill\b|\bcould\b|\bmay\b|\bmight\b|seeks?|"
    r"vow(?:ed|s)?|threaten(?:ed|s)?|\bif\b|in order to|push to"), re.I)
#: Expectation and likelihood: what is forecast has not happened.
_EXPECT = re.compile(_f(
    r"(?<!\w)(?:من المتوقع|المتوقع|يتوقع|يتوقعون|تتوقع|توقعات|من المرجح|المرجح|يرجح|ترجح|"
    r"من المنتظر|المنتظر|مرشحة|مرشح)(?!\w)|"
    r"\b(?:expected|likely|poised|set|due|hoping|hopes?|bid|want(?:s|ed)?|seeking|"
    r"moving|moved|push(?:ing|ed)?|launch(?:ed|ing)?|offensive|campaign|operation)\s+to\s+"
    r"(?:\S+\s+)?$"), re.I)
#: Conditional openers whose clause runs until its consequence ("فإن", "then", a stop).
_CONDITIONAL = re.compile(_f(r"(?<!\w)(?:في حال|وفي حال|إذا|اذا|وإذا|واذا|لو|ولو|"
                              r"شريطة|بشرط)(?!\w)|\bif\b|\bunless\b|\bwhether\b"), re.I)
_CONSEQUENCE = re.compile(_f(r"(?<!\w)(?:فإن|فان|فانه|فإنه|فستكون|فسوف)(?!\w)|\bthen\b|[.;؛!?؟]"),
                          re.I)
#: Particles after which an imperfect verb is subjunctive (purpose, "before it can", "until").
_SUBJ_PARTICLES = _ws("أن", "ان", "وأن", "وان", "كي", "لكي", "حتى", "لن", "ولن", "لئلا",
                      "بأن", "بان")
#: English: an infinitive of a control verb is an aim, unless it was achieved ("managed to").
_EN_ACHIEVED = re.compile(r"\b(?:managed|succeeded|able|went on|proceeded|used)\s+to\s*$", re.I)
_NOT_VERBS = _ws("تموز", "نيسان", "يناير", "يونيو", "يوليو", "نوفمبر", "تجاه", "نقاط", "يوم",
                 "يومي", "يومين", "نحو", "نهاية", "نهار", "تلال", "تلك", "تقريبا", "تقريباً")
_FUTURE_WORDS = _ws("سوف", "وسوف", "will", "would", "shall", "could", "might", "may", "can",
                    "cannot", "should", "unless")
_NEGATION = re.compile(_f(
    r"(?:(?<!\w)(?:لم|لن|ليس|ليست|غير|دون|عدم)(?!\w)(?:\s+\S+){0,2}\s*$)|"
    r"(?:(?<!\w)(?:لا|ما)(?!\s+(?:يزال|تزال|زال|زالت|يزالون|تزالان))(?:\s+\S+){0,1}\s*$)|"
    r"(?:(?<!\w)(?:لم|لن)\s+(?:\S+\s+){0,4}?\S*(?:تمكن|ستطع|نجح)\S*(?:\s+\S+){0,4}\s*$)|"
    r"نفت|نفى|ينفي|تنفي|نفي|\bdenied\b|\bdeny\b|\bdenies\b|\bnot\b|n't\b|\bfailed\b|"
    r"\bnever\b|\bno longer\b"), re.I)
_FIRE = re.compile(_f(r"^\s*(?:\S+\s+){0,6}?(?:ناريا|نارياً|بالنار|النيران|ناري)\b|by fire|"
                      r"within (?:firing )?range|fire control"), re.I)
_MOVEMENT = re.compile(_f(
    r"(?<!\w)(?:خروج|نزوح|وصول|فروا|فر|هرب|هروب|نقل|إخراج|اخراج|توجه|عودة|الخارجين|"
    r"النازحين|الفارين|fled|flee(?:ing)?|displaced|arriv(?:ed|al)|evacuat\w+|leaving)(?!\w)"),
    re.I)
_BEFORE_CUE = re.compile(_f(r"(?<!\w)(?:قبيل|قبل|before|prior to|ahead of)(?!\w)"), re.I)
_DENIAL = re.compile(_f(r"(?<!\w)(?:نفت|نفى|ينفي|تنفي|نفي|تنفي|كذبت|denied|denies|deny|"
                          r"dismissed|rejected)(?!\w)"), re.I)
_WIDE_NEGATION = re.compile(_f(
    r"(?<!\w)(?:لم|لن|دون أن|دون|عدم)\s+(?:\S+\s+)?\S{0,2}(?:حسم|تمكن|ستطع|نجح|حقق|علن|كمل|"
    r"بسط|فرض)\S*[^،,.؛;]*$"))
_PAST_HABIT = re.compile(_f(r"(?<!\w)(?:كان|كانت|كانوا|had been|used to)(?!\w)"), re.I)
_NUMBER = re.compile(r"\d")
_PERCENT = re.compile(r"(\d{1,3})\s*(?:%|٪|بالمئة|بالمائة|في المئة|في المائة|percent|per cent)")
#: Verbal nouns: a nominal mention ("استعادة البوكمال تعني ...") needs its actor in the sentence.
_NOMINAL = re.compile(_f(r"(?:و|ف|ب|ل|لل|ال|بال|وب|وال)?(?:استعادة|تحرير|السيطرة|سيطرة|خسارة|"
                         r"انسحاب|الانسحاب|فقدان|دخول|حصار|اقتحام|طرد)"))
#: A verbal noun in construct ("انسحاب X", "عقب خروج X"): its actor follows it. With the
#: article or a preposition ("للانسحاب", "الانسحاب") a verb governs it and the subject of
#: that verb is the actor ("اضطر داعش للانسحاب").
_CONSTRUCT_NOUN = re.compile(_f(r"(?:و|ف)?(?:انسحاب|خروج|إخراج|اخراج)"))
_WITHDRAWAL_NOUN = re.compile(_f(r"(?:و|ف|ب|وب|ل|ول|لل|ال|بال|وال|وبال)?"
                                 r"(?:انسحاب|خروج|إخراج|اخراج)"))
_REGION_WORDS = _ws("ريف", "بادية", "محافظة", "ناحية", "countryside", "province", "governorate",
                    "outskirts")
_RELATIVES = _ws("التي", "الذي", "اللتين", "اللذين", "اللتان", "اللذان", "والتي", "والذي",
                 "which", "that", "where")
#: Words that are not names after a feature word (verbs, relatives).
_VERBISH = _ws("يسيطر", "تسيطر", "يسيطرون", "تقع", "يقع", "تعد", "يعد", "تعتبر", "يعتبر", "كانت",
               "كان", "تم", "جرى", "سيطرت", "سيطر", "باتت", "تضم", "يضم", "تشهد", "يشهد",
               "شهدت", "واحدة", "واحد", "أخرى", "اخرى", "جديدة", "كاملة", "بأكملها", "بالكامل",
               "مجاورة", "قريبة", "مخصصة", "بجنوب", "بشمال", "بشرق", "بغرب", "جنوب", "شمال",
               "شرق", "غرب", "فرز", "سكني", "سكنية", "رئيسية", "صغيرة", "كبيرة", "محاذية",
               "كبرى", "صغرى", "بيد", "يد", "مؤقت", "مؤقتة", "عشوائية", "نائية", "حدودية")
_COUNT_WORDS = _ws("عشرين", "عشرات", "ثلاث", "أربع", "خمس", "ست", "سبع", "ثماني", "تسع", "عشر",
                   "عدة", "عدد", "بضع", "أكثر", "اكثر", "عشرة")
#: A preposition carrying a pronoun ("عليها" = on it) -> the bare preposition.
_PRONOUN_OBJECTS = {_f(p + suf): _f(base) for p, base in (("علي", "على"), ("من", "من"),
                                                          ("في", "في"), ("داخل", "داخل"))
                    for suf in ("ها", "ه", "هما", "هم")}


# ----------------------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class Rule:
    """A control phrase: its regex (on folded, lower-cased text) and how to read it.

    `place` is where the place stands: ``after`` the phrase (its object), ``before`` it
    (the phrase qualifies the place), or ``either`` (after, else before). `actor` is where
    the actor stands: ``subject`` (before the verb, or between the verb and the object),
    ``after`` (the phrase names it: "تحت سيطرة X", "fell to X"). `prep` is the preposition
    the object needs (searched within the window, e.g. "من" for انسحب). `noun` marks a
    nominal phrasing (slightly lower confidence).
    """

    name: str
    status: str
    pattern: str
    place: str = "after"
    actor: str = "subject"
    prep: tuple[str, ...] = ()
    noun: bool = False
    fraction: float | None = None
    pocket: bool = False
    window: int = OBJECT_WINDOW
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rx = re.compile(r"(?<![\w])(?:" + _f(self.pattern) + r")(?![\w])", re.IGNORECASE)
        object.__setattr__(self, "regex", rx)


_P = r"(?:و|ف|ب|ل|لل|وب|ول|فب|بال|وال|لل|ال|وبال|فال)?"  # proclitics / article
_PRON = r"(?:ها|ه|هم|هما)?"

#: Rules in priority order: an earlier rule's match wins over a later one it overlaps.
RULES: tuple[Rule, ...] = (
    # --- pocket statements (the whole remaining area of an actor)
    Rule("pocket_contains_ar", "held",
         r"(?:آخر|اخر) (?:جيب|معقل|منطقة|بقعة)(?: [^\s.؛;]+){0,6}?[،,]? ?"
         r"(?:و)?(?:الذي|التي|والذي|والتي) "
         r"(?:يتضمن|تتضمن|يضم|تضم|يشمل|تشمل)",
         place="after", pocket=True),
    Rule("pocket_last_contains_ar", "held",
         r"(?:الجيب|البقعة|المنطقة|الرقعة|المساحة) (?:الأخير|الأخيرة|الاخير|الاخيرة)"
         r"(?: \S+){0,5}? (?:و)?(?:الذي|التي) (?:يتضمن|تتضمن|يضم|تضم|يشمل|تشمل)",
         place="after", pocket=True),
    Rule("pocket_last_ar", "held",
         r"(?:آخر|اخر) (?:منطقتين|بلدتين|قريتين|المناطق|مناطق|البلدات|القرى|معاقل|معقلين|جيبين)"
         r"(?: (?:متبقيتين|متبقيين|المتبقية|متبقية|المتبقيتين|متبقيه|المتبقيه))?"
         r"(?: (?:له|لها|لهم|ل\S+|للتنظيم))?",
         place="either", pocket=True),
    Rule("pocket_only_ar", "held",
         r"(?:لم يعد|لم تعد|ولم يعد|ولم تعد) (?:\S+ ){0,5}?(?:يسيطر|تسيطر|يسيطرون)"
         r"(?: \S+){0,8}? "
         r"(?:سوى|الا|إلا) على|(?:يسيطر|تسيطر|يسيطرون) (?:الآن |حاليا |حالياً )?فقط على",
         place="after", pocket=True),
    Rule("pocket_en", "held",
         r"(?:the )?last (?:remaining )?(?:pocket|enclave|holdout|stronghold|area)s?"
         r"(?: \S+){0,4}? (?:consisting of|consists of|comprising|comprises|made up of|"
         r"is made up of|which includes|including|includes|that includes)|"
         r"(?:now )?(?:holds?|controls?) only",
         place="after", pocket=True),
    Rule("pocket_last_en", "held",
         r"(?:its|their) last (?:two |three |four |remaining )*(?:villages|towns|areas|"
         r"strongholds|footholds|positions|bastions)",
         place="either", pocket=True),
    Rule("captured_became_ar", "captured",
         r"(?:باتت|بات|أصبحت|اصبحت|أصبح|صارت|باتت) (?:\S+ ){0,5}?تحت (?:سيطرة|سيطرت)",
         place="inside", actor="after"),
    # --- held
    Rule("held_under_ar", "held",
         r"(?:تحت|لسيطرة|الخاضعة لسيطرة|الخاضع لسيطرة|الخاضعتين لسيطرة|الخاضعين لسيطرة|"
         r"الخاضعة لسيطرت|الخاضع لسيطرت) ?(?:سيطرة|سيطرت)?" + _PRON,
         place="before", actor="after"),
    Rule("held_still_ar", "held",
         r"(?:لا|ما) (?:يزال|تزال|زال|زالت|يزالون)(?: \S+)? (?:يسيطر|تسيطر|يسيطرون)",
         prep=("على", "علي")),
    Rule("held_present_ar", "held", _P + r"(?:يسيطر|تسيطر|يسيطرون)", prep=("على", "علي")),
    Rule("held_areas_ar", "held", r"مناطق (?:سيطرة|سيطرت|نفوذ)" + _PRON, place="after",
         actor="after"),
    Rule("held_en", "held", r"under (?:the )?(?:full )?control of", place="before",
         actor="after"),
    Rule("held_holds_en", "held", r"(?:still )?(?:holds?|controls?)(?! only)"),
    Rule("held_adj_en", "held", r"[a-z]+-(?:held|controlled)", place="after", actor="self"),
    Rule("held_under_en", "held", r"under [a-z\-]+(?: [a-z\-]+)? control", place="before",
         actor="self"),
    # --- besieged
    Rule("besieged_ar", "besieged",
         _P + r"(?:حاصر|حاصرت|حاصروا|تحاصر|يحاصر|محاصرة|حصار|حصارا|حصاراً|بمحاصرة|لمحاصرة)",
         prep=("في", "داخل")),
    Rule("besieged_adj_ar", "besieged", _P + r"(?:محاصرين|محاصرون|المحاصرين|المحاصرون|محاصر)",
         prep=("في", "داخل"), actor="before"),
    Rule("besieged_en", "besieged",
         r"(?:besieged|encircled|surrounded|boxed in|trapped)", prep=("in", "inside", "at")),
    # --- lost
    Rule("lost_withdrew_ar", "lost",
         _P + r"(?:انسحب|انسحبت|انسحبوا|انسحاب|الانسحاب|ينسحب|تنسحب)",
         prep=("من",)),
    Rule("lost_exit_ar", "lost", r"(?:و|ف|ب|وب)?(?:خروج|إخراج|اخراج)", prep=("من",), noun=True),
    Rule("lost_control_ar", "lost", _P + r"(?:فقد|فقدت|فقدان)(?: \S+)? (?:سيطرته|سيطرتها|السيطرة)",
         prep=("على", "علي")),
    Rule("lost_ar", "lost", _P + r"(?:خسر|خسرت|خسروا|خسارة|خسارته|خسارتها)"),
    Rule("lost_en", "lost",
         r"(?:withdrew|withdrawn|withdraws|pulled out|pulls out|retreated|retreats|"
         r"was driven out|were driven out|driven out|expelled|pushed out)",
         prep=("from", "of")),
    Rule("lost_en2", "lost", r"lost(?: control of)?"),
    # --- captured
    Rule("expel_ar", "captured", _P + r"(?:طرد|طردت|طردوا|بطرد)", prep=("من",)),
    Rule("captured_ar", "captured", _P + r"(?:سيطرت|سيطر|سيطروا|سيطرتا)", prep=("على", "علي")),
    Rule("captured_noun_ar", "captured",
         _P + r"(?:السيطرة|سيطرة|سيطرت|سيطرتها|سيطرته|سيطرتهم|سيطرتهما)",
         prep=("على", "علي"), noun=True),
    Rule("captured_retake_ar", "captured",
         _P + r"(?:استعادت|استعاد|استعادوا|استعادة|باستعادة)"),
    Rule("captured_liberate_ar", "captured", _P + r"(?:حررت|حرر|حرروا|تحرير|بتحرير)"),
    Rule("captured_en", "captured",
         r"(?:(?:gained|regained|took|taken|seized|wrested|assumed|established|took back)"
         r" (?:full |complete |total )?control|took|taken|take|takes|captured|capture|captures|"
         r"seized|seizes|retook|retaken|retakes|recaptured|recaptures|liberated|liberates|"
         r"cleared|overran|overrun|overruns)"),
    Rule("fell_en", "captured", r"fell to", place="before", actor="after"),
    # --- contested
    Rule("contested_fight_ar", "contested",
         _P + r"(?:اشتباكات|الاشتباكات|معارك|المعارك|قتال|مواجهات|اقتحام|اقتحمت|اقتحموا)",
         prep=("في", "داخل"), window=3),
    Rule("contested_enter_ar", "contested", _P + r"(?:دخلت|دخل|دخلوا|دخول)",
         prep=("إلى", "الى", "الي")),
    Rule("contested_en", "contested",
         r"(?:fighting|clashes|battles?|fierce fighting)(?: (?:raged|continued|erupted))?|"
         r"advanced into",
         prep=("in", "inside", "into", "for"), window=3),
    Rule("contested_enter_en", "contested", r"entered|stormed|broke into"),
)

#: Literal pieces (folded) of which a text must contain one for a rule to be tried at all.
_RULE_KEYS: dict[str, tuple[str, ...]] = {
    "pocket_contains_ar": ("اخر",), "pocket_last_contains_ar": ("الاخير",),
    "pocket_last_ar": ("اخر",), "pocket_only_ar": ("سوي", "الا", "فقط"),
    "pocket_en": ("last", "only"), "pocket_last_en": ("last",),
    "captured_became_ar": ("تحت",), "held_under_ar": ("تحت", "لسيطر"),
    "held_still_ar": ("زال",), "held_present_ar": ("يسيطر", "تسيطر"),
    "held_areas_ar": ("مناطق",), "held_en": ("control",),
    "held_holds_en": ("hold", "control"),
    "held_adj_en": ("-held", "-controlled"), "held_under_en": ("under",),
    "besieged_ar": ("حاصر", "حصار"), "besieged_adj_ar": ("محاصر",),
    "besieged_en": ("besieg", "encircl", "surround", "boxed", "trapped"),
    "lost_withdrew_ar": ("نسحب", "انسحاب"), "lost_control_ar": ("فقد",),
    "lost_exit_ar": ("خروج", "اخراج"),
    "lost_ar": ("خسر", "خسار"),
    "lost_en": ("withdr", "pulled", "retreat", "driven", "expelled", "pushed"),
    "lost_en2": ("lost",), "expel_ar": ("طرد",), "captured_ar": ("سيطر",),
    "captured_noun_ar": ("سيطر",), "captured_retake_ar": ("استعاد",),
    "captured_liberate_ar": ("حرر", "تحرير"),
    "captured_en": ("took", "take", "captur", "seiz", "liberat", "clear", "overr", "control"),
    "fell_en": ("fell to",),
    "contested_fight_ar": ("اشتباك", "معارك", "قتال", "مواجهات", "اقتحم", "اقتحام"),
    "contested_enter_ar": ("دخل", "دخول"),
    "contested_en": ("fight", "clash", "battle", "advanced into"),
    "contested_enter_en": ("entered", "stormed", "broke into"),
}

_SELF_ACTOR = re.compile(r"([a-z]+)-(?:held|controlled)|under ([a-z\-]+(?: [a-z\-]+)?) control")


# ----------------------------------------------------------------------------- internals


@dataclass(slots=True)
class _Tok:
    start: int  # original offsets
    end: int
    norm: str  # folded, lower-cased
    fstart: int  # folded offsets
    fend: int


@dataclass(slots=True)
class _Chunk:
    start: int
    end: int
    sent: int
    para: int


@dataclass(slots=True)
class _Place:
    text: str
    start: int
    end: int
    trigger: bool = False  # found by a feature word, not by the gazetteer
    anaphor: bool = False


@dataclass(slots=True)
class _Doc:
    report: Report
    text: str
    folded: str
    fmap: list[int] | None
    toks: list[_Tok]
    tok_at: dict[int, int]  # original start offset -> token index
    chunks: list[_Chunk]
    chunk_of_tok: list[int]
    spans: dict[int, tuple[int, _Place]]  # token index -> (end token index, place)
    actors: list[Any]
    dates: list[Any]
    starts: list[int] = field(default_factory=list)
    sent_bounds: dict[int, tuple[int, int]] = field(default_factory=dict)
    para_starts: dict[int, int] = field(default_factory=dict)
    claimed: list[tuple[int, int, list[_Place]]] = field(default_factory=list)
    gazetteer: Any = None

    def orig(self, fpos: int) -> int:
        return fpos if self.fmap is None else self.fmap[fpos]


def _tokens(text: str, folded: str, fmap: list[int] | None) -> list[_Tok]:
    out: list[_Tok] = []
    for m in TOKEN_RE.finditer(folded):
        s, e = m.start(), m.end()
        if fmap is None:
            out.append(_Tok(s, e, m.group(), s, e))
        else:
            out.append(_Tok(fmap[s], fmap[e - 1] + 1, m.group(), s, e))
    return out


def split_sentences(text: str) -> list[tuple[int, int, int, int]]:
    """Cut a text into chunks ``(start, end, sentence_no, paragraph_no)``.

    Sentences end at ``. ! ? ؟ ؛ ;`` and newlines; a sentence longer than `LONG_SENTENCE`
    is cut again before a comma followed by a clause opener (``، حيث``, ``، فيما``,
    ``، في حين``, ``, while`` ...). Leading/trailing whitespace is excluded from the spans.
    """
    folded = _lower(text.translate(_FOLD_MAP))  # same length as `text`
    out: list[tuple[int, int, int, int]] = []
    para = 0
    sent = 0
    pos = 0
    bounds = [m.end() for m in _SENT_END.finditer(folded)]
    if not bounds or bounds[-1] != len(text):
        bounds.append(len(text))
    for b in bounds:
        seg_s, seg_e = pos, b
        pos = b
        raw = text[seg_s:seg_e]
        if "\n\n" in raw or (raw.endswith("\n") and seg_s > 0 and text[seg_s - 1] == "\n"):
            para += 1
        s = seg_s + (len(raw) - len(raw.lstrip()))
        e = seg_e - (len(raw) - len(raw.rstrip()))
        while e > s and text[e - 1] in ".!?؟؛;…\n":
            e -= 1
        if e - s < 2:
            continue
        cuts = [s]
        if e - s > LONG_SENTENCE:
            for m in _CLAUSE_OPENERS.finditer(folded, s, e):
                if m.start() - cuts[-1] >= 40 and e - m.start() >= 20:
                    cuts.append(m.start() + 1)
        cuts.append(e)
        for a, z in itertools.pairwise(cuts):
            a2 = a + (len(text[a:z]) - len(text[a:z].lstrip()))
            if z - a2 >= 2:
                out.append((a2, z, sent, para))
        sent += 1
        if "\n" in text[seg_e - 1: seg_e]:
            para += 1 if text[seg_e:seg_e + 1] == "\n" else 0
    return out


def _strip_proclitic(word: str) -> str:
    for pre in ("وبال", "وال", "فال", "بال", "كال", "ولل", "لل", "وب", "ول", "فب", "فل", "و",
                "ف", "ب", "ل"):
        if word.startswith(pre) and len(word) - len(pre) >= 2:
            rest = word[len(pre):]
            return ARTICLE + rest if pre.endswith("ال") or pre.endswith("لل") else rest
    return word


def _gender_of_actor(text: str) -> str | None:
    first = _f(text).lower().split()[:1]
    if not first:
        return None
    w = _strip_proclitic(first[0]) if first[0] not in _ACTOR_FEMININE | _ACTOR_MASCULINE \
        else first[0]
    if w in _ACTOR_FEMININE:
        return "f"
    if w in _ACTOR_MASCULINE:
        return "m"
    return None


def _gender_of_verb(word: str) -> str | None:
    w = word.lower()
    if not re.search("[\u0600-\u06ff]", w):
        return None
    if w.endswith(("وا", "هم", "ون", "هما")):
        return None
    if w.endswith("ها"):
        return "f"
    if w.endswith("ته"):
        return "m"
    core = w
    for pre in ("و", "ف"):
        if core.startswith(pre) and len(core) > 4:
            core = core[1:]
    if core.endswith("ت") and not core.endswith(("ات",)):
        return "f"
    if core.startswith("ت") and len(core) > 4:
        return "f"
    if core.startswith("ي") and len(core) > 4:
        return "m"
    if core.endswith("ه") or core.startswith(("ال", "ب", "ل")):
        return None  # noun (ta marbuta) or prefixed noun: no gender
    return "m"


# ----------------------------------------------------------------------------- main


def extract(report: Report, gazetteer: _Gazetteer, lexicon: _Lexicon) -> Extraction:
    """Find the control claims and place mentions of one report.

    Parameters
    ----------
    report
        The report (its `published` date anchors relative dates).
    gazetteer
        A `tracker.gazetteer.Gazetteer` (or anything with ``spot``, ``resolve`` and
        ``context_from_text``).
    lexicon
        A `tracker.actors.ActorLexicon` (or anything with ``find``).

    Returns
    -------
    Extraction
        Claims in text order, every place mention with its resolution, and warnings (date
        inconsistencies). Never raises for odd text.
    """
    doc = _analyse(report, gazetteer, lexicon)
    warnings = [f"date {d.text!r} at {d.start}: {d.warning}" for d in doc.dates if d.warning]
    resolver = _Resolver(doc, gazetteer)
    raw: list[_RawClaim] = []
    taken: list[tuple[int, int]] = []
    for ci, ri, ms, me, surface in _matches(doc):
        if any(ms < te and ts < me for ts, te in taken):
            continue
        found = _apply(doc, ci, RULES[ri], ms, me, surface)
        if found is None:
            continue
        taken.append((ms, me))
        raw.extend(found)
    _besieger_from_capture(doc, raw)
    raw.extend(_end_of_presence(doc, raw))
    claims = _finalise(doc, raw, resolver)
    mentions = resolver.mentions()
    logger.debug("report %s: %d claims, %d mentions", report.report_id, len(claims),
                 len(mentions))
    return Extraction(report, tuple(claims), tuple(mentions), tuple(warnings))


def _matches(doc: _Doc) -> list[tuple[int, int, int, int, str]]:
    """Every rule match as (chunk, rule index, start, end, surface), in reading order."""
    import bisect

    if not doc.chunks:
        return []
    fstarts = [_fpos(doc, c.start) for c in doc.chunks]
    fends = [_fpos(doc, c.end) for c in doc.chunks]
    out: list[tuple[int, int, int, int, str]] = []
    for ri, rule in enumerate(RULES):
        keys = _RULE_KEYS.get(rule.name)
        if keys and not any(k in doc.folded for k in keys):
            continue
        for m in rule.regex.finditer(doc.folded):
            ci = bisect.bisect_right(fstarts, m.start()) - 1
            if ci < 0 or m.start() >= fends[ci]:
                continue
            found = [m]
            if m.end() > fends[ci]:  # crosses into the next clause: match within the chunk
                found = list(rule.regex.finditer(doc.folded, m.start(), fends[ci]))[:1]
            for mm in found:
                out.append((ci, ri, doc.orig(mm.start()), doc.orig(mm.end() - 1) + 1, mm.group()))
    # reading order; at one position the longer phrase, then the rule listed first, wins
    out.sort(key=lambda t: (t[0], t[2], -(t[3] - t[2]), t[1]))
    return out


def _fpos(doc: _Doc, orig: int) -> int:
    if doc.fmap is None:
        return orig
    import bisect

    return bisect.bisect_left(doc.fmap, orig)


def _analyse(report: Report, gazetteer: _Gazetteer, lexicon: _Lexicon) -> _Doc:
    from tracker.dates import find_dates

    text = report.text
    folded, fmap = _fold_keep_offsets(text)
    toks = _tokens(text, folded, fmap)
    tok_at = {t.start: i for i, t in enumerate(toks)}
    chunks = [_Chunk(s, e, si, pi) for s, e, si, pi in split_sentences(text)]
    chunk_of_tok: list[int] = []
    ci = 0
    for t in toks:
        while ci < len(chunks) - 1 and t.start >= chunks[ci].end:
            ci += 1
        chunk_of_tok.append(ci)
    spans: dict[int, tuple[int, _Place]] = {}
    starts = [t.start for t in toks]
    import bisect

    title = report.title if report.title and report.title not in text else ""
    # the title names the actor a body may call only "التنظيم"
    actors = sorted(lexicon.find(text, context=title), key=lambda a: a.start)
    actor_ends = [a.end for a in actors]  # sorted, non-overlapping
    for sp in gazetteer.spot(text):
        ai = bisect.bisect_left(actor_ends, sp.end)
        if ai < len(actors) and actors[ai].start <= sp.start:
            continue  # a word of an actor's name ("Hayat" in "Hayat Tahrir al-Sham")
        i = bisect.bisect_right(starts, sp.start) - 1
        if i < 0:
            continue
        j = bisect.bisect_left(starts, sp.end) - 1
        spans[i] = (max(i, j), _Place(sp.text, sp.start, sp.end))
    # Feature word + a name the gazetteer lacks.
    for i, t in enumerate(toks):
        is_trigger = t.norm in _TRIGGERS or (t.norm[:1] in ("و", "ب") and t.norm[1:] in _TRIGGERS)
        if not is_trigger or (i + 1) in spans or i in spans or i + 1 >= len(toks):
            continue
        if i > 0 and (_NUMBER.search(toks[i - 1].norm) or toks[i - 1].norm in _COUNT_WORDS):
            continue  # "20 قرية": a count, not a name
        if _boundary_between(text, t, toks[i + 1]):
            continue
        k = i + 1
        while k < len(toks) and k - i <= 3:
            w = toks[k].norm
            if k > i + 1 and (_boundary_between(text, toks[k - 1], toks[k]) or w.startswith("و")):
                break
            if w in _NAME_STOP or w in _FEATURES or _strip_proclitic(w) in _FEATURES \
                    or w in _VERBISH or _NUMBER.search(w) or w in _PRONOUN_OBJECTS or (
                    k == i + 1 and (len(w) < 3 or w in QUALIFIERS)):
                break
            k += 1
        if k > i + 1:
            s, e = toks[i + 1].start, toks[k - 1].end
            spans[i + 1] = (k - 1, _Place(text[s:e], s, e, trigger=True))
    if _LATIN_LETTER.search(text):
        _latin_spans(text, toks, starts, spans, actors, gazetteer)
    try:
        dates = [d for d in find_dates(text, report.published)
                 if not _f(text[max(0, d.start - 6):d.start + 6]).lower().count("منذ")
                 and not text[max(0, d.start - 6):d.start].lower().endswith("since ")]
    except Exception:
        logger.warning("date finding failed for report %s", report.report_id, exc_info=True)
        dates = []
    sent_bounds: dict[int, tuple[int, int]] = {}
    para_starts: dict[int, int] = {}
    for c in chunks:
        a, b = sent_bounds.get(c.sent, (c.start, c.end))
        sent_bounds[c.sent] = (min(a, c.start), max(b, c.end))
        para_starts.setdefault(c.para, c.start)
    return _Doc(report, text, folded, fmap, toks, tok_at, chunks, chunk_of_tok, spans,
                actors, dates, starts, sent_bounds, para_starts, gazetteer=gazetteer)


_HARD_BOUNDARY = "،,.;؛:!?؟()\n\"«»“”-–—"
_CLAUSE_BOUNDARY = "،,.;؛!?؟\n"


_LATIN_LETTER = re.compile(r"[A-Za-z]{3}")
_LA_ART = r"(?:[Aa]l|[Ee]l|[Aa]s|[Aa]sh|[Aa]d|[Aa]r|[Aa]z|[Aa]t|[Aa]n|[Ee]z)"
_LATIN_NAME = re.compile(
    r"(?<![\w-])(?:" + _LA_ART + r"[-\s])?[A-Z][\w'\u2019]+(?:(?:-|\s)(?:" + _LA_ART +
    r"[-\s])?[A-Z][\w'\u2019]+)*")
_LATIN_NOT_NAMES = frozenset((  # noqa: SIM905
    "the a an on in at by islamic state syrian democratic forces kurdish russian turkish "
    "american us u.s monday tuesday wednesday thursday friday saturday sunday january "
    "february march april may june july august september october november december "
    "observatory monitor it its they he she jan feb mar apr jun jul aug sep sept oct nov dec "
    "mon tue wed thu fri sat sun").split())
_LATIN_TRIGGER = re.compile(r"(?:village|town|city|camp|district|hamlet|area)s?(?: of)?\s*$",
                            re.I)


def _latin_spans(text: str, toks: list[_Tok], starts: list[int],
                 spans: dict[int, tuple[int, _Place]], actors: list[Any],
                 gazetteer: _Gazetteer) -> None:
    """Capitalised Latin names after "the village of" that `gazetteer.spot` did not find
    (they are resolved, or listed as unresolved, with the other mentions)."""
    import bisect

    actor_ends = [a.end for a in actors]  # actors are sorted and do not overlap
    for m in _LATIN_NAME.finditer(text):
        name = m.group()
        words = name.split()
        while words and words[0].lower() in _LATIN_NOT_NAMES:
            words = words[1:]
        if not words:
            continue
        name = " ".join(words)
        s = m.end() - len(name)
        e = m.end()
        ai = bisect.bisect_left(actor_ends, s + 1)
        if ai < len(actors) and actors[ai].start < e:
            continue
        i = bisect.bisect_left(starts, s)
        j = bisect.bisect_left(starts, e) - 1
        if i >= len(toks) or i in spans or j < i:
            continue
        if _LATIN_TRIGGER.search(text[max(0, s - 20):s]):
            spans[i] = (j, _Place(name, s, e, trigger=True))


def _boundary_between(text: str, a: _Tok, b: _Tok, chars: str = _HARD_BOUNDARY) -> bool:
    gap = text[a.end:b.start]
    return any(c in gap for c in chars)


# ----------------------------------------------------------------------------- places


def _first_tok_after(doc: _Doc, pos: int) -> int:
    import bisect

    return bisect.bisect_left(doc.starts, pos)


def _last_tok_before(doc: _Doc, pos: int) -> int:
    import bisect

    return bisect.bisect_right(doc.starts, pos - 1) - 1 if pos > 0 else -1


def _region_word(word: str) -> bool:
    """"ريف", "وبادية", "بريف", "والريف": a region word behind any proclitics."""
    words = _REGION_WORDS | _ws("الريف", "البادية")
    return any(word[n:] in words for n in range(4) if all(c in "وبفل" for c in word[:n]))


def _is_region(doc: _Doc, place: _Place) -> bool:
    """"ريف حماة", "بادية دير الزور", "Hama countryside": a region, not the town itself."""
    i = _last_tok_before(doc, place.start)
    own = doc.folded[_fpos(doc, place.start - 4 if place.start >= 4 else 0):_fpos(doc, place.start)]
    if i >= 0 and _region_word(doc.toks[i].norm):
        return True
    if re.search(_f(r"(?:ريف|بريف|وريف)\s*$"), own):
        return True
    if i >= 1 and doc.toks[i].norm == "of" and doc.toks[i - 1].norm in (
            "countryside", "province", "governorate", "desert", "countrysides"):
        return True  # "the countryside of Hama", "the province of Deir ez-Zor"
    nxt = _first_tok_after(doc, place.end)
    return nxt < len(doc.toks) and doc.toks[nxt].norm in ("countryside", "province",
                                                         "governorate")


def _place_at(doc: _Doc, i: int) -> tuple[int, _Place] | None:
    got = doc.spans.get(i)
    if got is not None:
        return got
    t = doc.toks[i]
    if t.norm in _ANAPHORS or _strip_proclitic(t.norm) in _ANAPHORS:
        return i, _Place(doc.text[t.start:t.end], t.start, t.end, anaphor=True)
    if t.norm == "the" and i + 1 < len(doc.toks):
        nxt = doc.toks[i + 1].norm
        if nxt in ("town", "city", "village", "area", "camp") and not (
                i + 2 < len(doc.toks) and doc.toks[i + 2].norm == "of"):
            e = doc.toks[i + 1].end
            return i + 1, _Place(doc.text[t.start:e], t.start, e, anaphor=True)
    return None


def _parse_list(doc: _Doc, i: int, limit: int, *, enum: bool = False
                ) -> tuple[list[_Place], float | None, int]:
    """Parse an object NP from token `i`: fillers, a fraction, then a list of places.

    Returns (places, fraction, index after the list). Stops at a clause boundary, at a
    non-place word, or at `limit` (exclusive token index).
    """
    fraction: float | None = None
    places: list[_Place] = []
    k = i
    n = len(doc.toks)
    # fillers before the first place
    while k < min(limit, n) and k - i < OBJECT_WINDOW:
        skip = _descriptor_of(doc, k, min(limit, n))
        if skip:
            k = skip  # "the Euphrates town of", "the border city of", "the village of"
            continue
        if _place_at(doc, k) is not None:
            break
        w = doc.toks[k].norm
        bare = _strip_proclitic(w)
        hit_fraction = False
        for words, value in _FRACTIONS:
            if w in words or bare in words:
                fraction = value
                hit_fraction = True
        pct = _PERCENT.match(doc.text, doc.toks[k].start)
        if pct and 0 < int(pct.group(1)) <= 100:
            fraction = int(pct.group(1)) / 100  # "80% من بلدة", "70 بالمئة من"
            hit_fraction = True
        if not (hit_fraction or w in _FILLERS or bare in _FILLERS or w in _FEATURES
                or bare in _FEATURES or _NUMBER.search(w) or w in ("ال",)):
            return [], fraction, k
        if k > i and _boundary_between(doc.text, doc.toks[k - 1], doc.toks[k]):
            return [], fraction, k
        k += 1
    while k < min(limit, n):
        got = _place_at(doc, k)
        if got is None:
            if enum and places and doc.toks[k].norm.startswith("و") and \
                    len(doc.toks[k].norm) > 3 and not _boundary_between(
                        doc.text, doc.toks[k - 1], doc.toks[k]):
                got = _unknown_item(doc, k, limit)
            if got is None:
                break
        end_k, place = got
        if place.anaphor and places:
            break
        places.append(place)
        k = end_k + 1
        # list continuation: "و" + place, "، " + place, "and" / ", and"
        if k >= min(limit, n):
            break
        gap = doc.text[doc.toks[k - 1].end:doc.toks[k].start]
        w = doc.toks[k].norm
        if any(c in gap for c in ".;؛!?؟\n()"):
            break
        comma = any(c in gap for c in "،,")
        if w in ("and", "و", "or") and k + 1 < n:
            k += 1
            continue
        joined = False
        while k < min(limit, n) and (doc.toks[k].norm in _FEATURES or (
                doc.toks[k].norm.startswith("و") and doc.toks[k].norm[1:] in _FEATURES)):
            joined = joined or doc.toks[k].norm.startswith("و")
            k += 1
        if k < n and (k in doc.spans) and (doc.spans[k][1].start > doc.toks[k].start
                                          or comma or enum or joined):
            # "والباغوز": the span starts after the و proclitic; a comma list also continues
            if comma and not enum and not doc.toks[k].norm.startswith("و") and len(places) < 1:
                break
            continue
        if enum and k < n and doc.toks[k].norm.startswith("و") and len(doc.toks[k].norm) > 3:
            continue
        break
    return places, fraction, k


_EN_KIND = frozenset(("town", "towns", "city", "cities", "village", "villages", "hamlet",
                      "hamlets", "area", "areas", "camp", "district", "neighbourhood",
                      "neighborhood", "oilfield", "settlement", "settlements", "stronghold",
                      "bastion", "enclave", "pocket"))


def _descriptor_of(doc: _Doc, k: int, limit: int) -> int:
    """Index after an English descriptor "[the] (ADJ ){0,2}town(s) of" starting at `k`, else 0.

    "captured the Euphrates town of al-Mayadin", "retook the border town of Albu Kamal",
    "took control of the towns of X and Y": the adjectives (a river, a region, "strategic")
    describe the place and are never the place themselves.
    """
    j = k
    if j < limit and doc.toks[j].norm == "the":
        j += 1
    for _ in range(3):
        if j + 1 < limit and doc.toks[j].norm in _EN_KIND and doc.toks[j + 1].norm == "of":
            return j + 2 if not _boundary_between(doc.text, doc.toks[j], doc.toks[j + 1]) else 0
        if j >= limit or not doc.toks[j].norm.isascii() or doc.toks[j].norm in _STOP - _ws("the"):
            return 0
        j += 1
    return 0


def _unknown_item(doc: _Doc, k: int, limit: int) -> tuple[int, _Place] | None:
    """An item of an enumeration the gazetteer lacks: "وX" (+ up to 2 more words)."""
    t = doc.toks[k]
    if t.norm in _NAME_STOP or t.norm[1:] in _NAME_STOP or _NUMBER.search(t.norm):
        return None
    j = k
    while j + 1 < min(limit, len(doc.toks)) and j - k < 2:
        nxt = doc.toks[j + 1]
        if nxt.norm.startswith("و") or nxt.norm in _NAME_STOP or \
                _boundary_between(doc.text, doc.toks[j], nxt) or (j + 1) in doc.spans:
            break
        j += 1
    s = t.start + 1  # drop the و
    e = doc.toks[j].end
    return j, _Place(doc.text[s:e], s, e, trigger=True)


def _antecedent(doc: _Doc, ms: int, chunk: _Chunk, *, pronoun: bool = False,
                adjacent: int | None = None) -> list[_Place]:
    """Places a pronoun ("عليها", "التي ...") or a "before" phrase refers to.

    With a relative pronoun (التي/الذي/which) between them, the place must stand right
    before it ("بلدة هجين، التي سيطرت عليها قسد"); a bare pronoun object needs a coordinated
    verb ("دخلت X وسيطرت عليها").
    """
    i = _last_tok_before(doc, ms)
    sent_start = doc.sent_bounds[chunk.sent][0]
    lo = max(0, i - ANTECEDENT_WINDOW)
    rel = next((k for k in range(i, lo - 1, -1) if doc.toks[k].norm in _RELATIVES
                and doc.toks[k].start >= sent_start), None)
    if rel is not None:
        lo = max(lo, rel - 2)
        i = rel - 1
    elif pronoun:
        vw = doc.toks[i + 1].norm if i + 1 < len(doc.toks) else ""
        if not vw.startswith(("و", "ف")):
            return []
    end_lo = lo if adjacent is None or rel is not None else max(lo, i - adjacent)
    for k in range(i, end_lo - 1, -1):
        if doc.toks[k].start < sent_start:
            break
        # a place whose span ends at token k
        for j in range(k, max(lo, k - 5) - 1, -1):
            got = doc.spans.get(j)
            if got and got[0] == k:
                places = [got[1]]
                # walk back through a list "X و Y" / "قريتي X و Y"
                p = j - 1
                # a list runs back past the window ("نحو أبو حريق وأبو الكسور، اللتين")
                walk_lo = max(0, j - ANTECEDENT_WINDOW)
                while p >= walk_lo and doc.toks[p].start >= sent_start:
                    if doc.toks[p].norm in ("and", "or", "و") and p - 1 >= walk_lo:
                        p -= 1  # "Hajin and al-Shafah fell to": "and" is a word of its own
                    found = None
                    for q in range(p, max(walk_lo, p - 4) - 1, -1):
                        g2 = doc.spans.get(q)
                        if g2 and g2[0] == p:
                            found = (q, g2[1])
                            break
                    if not found:
                        break
                    gap = doc.text[found[1].end:places[0].start]
                    # allow "X و Y" (the و is part of the next token) and ", "
                    if (any(c in gap for c in ".;؛!?؟\n") or len(gap.strip()) > 3) and \
                            gap.strip() not in ("", "،", ",", "و", "and"):
                        break
                    places.insert(0, found[1])
                    p = found[0] - 1
                return places
        if _place_at(doc, k) is not None and doc.spans.get(k) is None:
            # an anaphor word
            return _recent_claimed(doc, doc.toks[k].start, chunk)
    return []


def _recent_claimed(doc: _Doc, pos: int, chunk: _Chunk) -> list[_Place]:
    """The places of the last claim made before `pos` in this or the previous sentence;
    or the place named after them, nearer to the anaphor ("... نحو بلدة سنجار ...، إذ لا
    تزال البلدة تحت سيطرة الهيئة": the town is Sinjar, not the villages claimed before)."""
    for s, sent, places in reversed(doc.claimed):
        if s < pos and sent >= chunk.sent - 1:
            got = [p for p in places if not p.anaphor]
            last = max((p.end for p in got), default=-1)
            later = [p for _, (_, p) in doc.spans.items()
                     if last <= p.start and p.end <= pos and not p.anaphor
                     and p.start >= doc.sent_bounds[chunk.sent][0] and not _is_region(doc, p)]
            if got and later:
                return [max(later, key=lambda p: p.start)]
            return got
    return []


# ----------------------------------------------------------------------------- actors


@dataclass(slots=True)
class _RawClaim:
    rule: Rule
    chunk: int
    start: int  # evidence span (original offsets)
    end: int
    place: _Place
    actor: str
    status: str
    implicit_actor: bool = False
    fraction: float | None = None
    group: str | None = None
    besieger: str | None = None
    verb_pos: int = 0
    before_cue: bool = False
    scope: str | None = None


#: Head words of an armed group's name; unrecognised, they still mark a subject slot.
_GROUP_HEADS = _ws("عناصر", "مقاتلي", "مسلحي", "مقاتليه", "مقاتليها", "مسلحيه", "قواته",
                   "تنظيم", "التنظيم", "الفصائل", "فصائل", "مقاتلو",
                   "مسلحو", "عناصره", "الجهاديين", "الجهاديون", "militants", "fighters",
                   "jihadists", "rebels", "insurgents", "troops", "soldiers", "gunmen",
                   "militiamen", "extremists")
#: Group words carrying a possessive pronoun: the owner is the actor named just before.
_OWNED_GROUP = _ws("عناصره", "عناصرها", "مقاتليه", "مقاتليها", "مسلحيه", "مسلحيها", "قواته",
                   "قواتها", "مقاتلوه", "مقاتلوها", "its fighters", "its militants")
#: Nationality adjectives after a verbal noun ("الانسحاب الأمريكي") name a party the lexicon
#: lacks.
_NATIONALITY = _ws("الأمريكي", "الأميركي", "الأمريكية", "الأميركية", "الروسي", "الروسية",
                   "الإيراني", "الإيرانية", "الفرنسي", "البريطاني", "american", "russian")
_MEMBERS = _ws("عناصر", "مسلحي", "مقاتلي", "صفوف", "مواقع", "members", "fighters")


def _is_object_position(doc: _Doc, prev: int) -> bool:
    """An actor after "ضد"/"على حساب"/"من (عناصر)" is an object or a part, not a subject."""
    w1 = doc.toks[prev].norm
    w2 = doc.toks[prev - 1].norm if prev > 0 else ""
    if w1 in _OBJECT_MARKERS:
        return True
    if w1 == "من" and w2 not in _ws("قبل"):
        return True
    return w1 in _MEMBERS and w2 in _ws("من", "حصر", "ضد", "of", "against")


def _names_actor_next(doc: _Doc, k: int, actors: list[Any]) -> bool:
    """"عناصر داعش", "مقاتلي من قسد": the group word is followed by a known actor."""
    for j in (k + 1, k + 2):
        if j < len(doc.toks) and any(a.start <= doc.toks[j].start < a.end for a in actors):
            return j == k + 1 or doc.toks[k + 1].norm in ("من", "of")
    return False


def _actor_of(a: Any) -> str:
    return str(a.actor)


def _actor_candidates(doc: _Doc, chunk: _Chunk, *, objects: bool = False) -> list[Any]:
    s = doc.sent_bounds[chunk.sent][0]
    e = doc.sent_bounds[chunk.sent][1]
    out = []
    for a in doc.actors:
        if a.start >= s and a.end <= e:
            prev = _last_tok_before(doc, a.start)
            if not objects and prev >= 0 and _is_object_position(doc, prev):
                continue
            out.append(a)
    return out


def _pick_subject(doc: _Doc, chunk: _Chunk, vs: int, ve: int, obj_start: int | None,
                  verb_word: str, *, exclude: tuple[int, int] | None = None,
                  allow_implicit: bool = True) -> tuple[str, bool] | None:
    """The actor of a verb: between the verb and its object, else the nearest before it."""
    cands = [a for a in _actor_candidates(doc, chunk)
             if exclude is None or not (a.start >= exclude[0] and a.end <= exclude[1])]
    every = _actor_candidates(doc, chunk, objects=True)
    g = _gender_of_verb(verb_word)

    def ok(a: Any) -> bool:
        ga = _gender_of_actor(a.text)
        return g is None or ga is None or ga == g

    if obj_start is not None:
        between = [a for a in every if a.start >= ve and a.end <= obj_start]
        if between:
            return _actor_of(between[0]), False
    else:
        between = [a for a in cands if a.start >= ve and a.start - ve <= 40]
        if between and ok(between[0]):
            return _actor_of(between[0]), False
    inside = [a for a in every if a.start >= vs and a.end <= ve]
    if inside:  # "لا يزال التنظيم يسيطر على"
        return _actor_of(inside[0]), False
    # an unrecognised group ("عناصر التنظيم" in a report the lexicon cannot place) is the
    # subject when it stands closer to the verb than any known actor: say nothing
    lo_tok = _first_tok_after(doc, chunk.start)
    vi = _last_tok_before(doc, vs)
    hi_tok = _first_tok_after(doc, obj_start) if obj_start is not None else \
        min(len(doc.toks), _first_tok_after(doc, ve) + 2)
    forward = [*range(vi + 1, _first_tok_after(doc, ve)), *range(_first_tok_after(doc, ve), hi_tok)]
    backward = []
    for k in range(vi, max(lo_tok, vi - 3) - 1, -1):
        if k < 0 or _boundary_between(doc.text, doc.toks[k], doc.toks[k + 1], _CLAUSE_BOUNDARY):
            break
        backward.append(k)
    for k in [*forward, *backward]:
        if not 0 <= k < len(doc.toks):
            continue
        w = _strip_proclitic(doc.toks[k].norm)
        if not (w in _GROUP_HEADS or (w in _NATIONALITY and k in forward)):
            continue
        if any(a.start <= doc.toks[k].start < a.end for a in every) or \
                _names_actor_next(doc, k, every) or (k > 0 and _is_object_position(doc, k - 1)) or \
                any(0 <= doc.toks[k].start - a.end <= 2 for a in every) or \
                (k < vi and any(a.start > doc.toks[k].end and a.end <= vs for a in every)):
            continue
        if w in _OWNED_GROUP:  # "عناصره", "مقاتليها": the members of the actor named before
            owner = [a for a in every if a.end <= doc.toks[k].start]
            return (_actor_of(owner[-1]), False) if owner else None
        named = _coref_actor(doc, doc.toks[k].norm)  # "the militants" = "Islamic State fighters"
        return (named, True) if named else None
    before = [a for a in cands if a.end <= vs]
    same_chunk = [a for a in before if a.start >= chunk.start]
    for pool in (same_chunk, before):
        good = [a for a in pool if ok(a)]
        if good:
            return _actor_of(good[-1]), False
    if same_chunk:  # no agreement cue fits ("وحدات الجيش حررت"): the nearest subject
        return _actor_of(same_chunk[-1]), False
    if not allow_implicit:
        return None
    # implicit: the last actor named before, within ~600 characters
    prior = [a for a in doc.actors if a.end <= vs and vs - a.end <= 600 and not (
        (p := _last_tok_before(doc, a.start)) >= 0 and _is_object_position(doc, p))]
    good = [a for a in prior if ok(a)]
    if good:
        return _actor_of(good[-1]), True
    return None


def _actor_after(doc: _Doc, chunk: _Chunk, pos: int, window: int = 60) -> str | None:
    for a in _actor_candidates(doc, chunk):
        if a.start >= pos and a.start - pos <= window:
            return _actor_of(a)
    # proclitic'd actor right after ("للتنظيم") the lexicon may have missed
    i = _first_tok_after(doc, pos)
    if i < len(doc.toks) and doc.toks[i].start - pos <= 3:
        return _actor_by_word(doc, doc.toks[i].norm)
    return None


def _actor_by_word(doc: _Doc, word: str) -> str | None:
    bare = _strip_proclitic(word)
    for a in doc.actors:
        an = _f(a.text).lower().strip()
        if an and an in (bare, word):
            return _actor_of(a)
    return None


_GROUP_WORDS = _ws("جهادي", "مسلح", "مقاتل", "عنصر", "متشدد", "jihadist", "militant", "fighter",
                   "insurgent", "extremist", "gunmen")


def _stem(word: str) -> str:
    w = word[2:] if word.startswith("ال") and len(word) > 4 else word
    for suf in ("ون", "ين", "s"):
        if w.endswith(suf) and len(w) > len(suf) + 2:
            return w[: -len(suf)]
    return w


def _coref_actor(doc: _Doc, word: str) -> str | None:
    """"الجهاديون" = the actor the report first named with that word ("الجهاديين من تنظيم X")."""
    stem = _stem(word)
    if stem not in _GROUP_WORDS:
        return None
    for i, t in enumerate(doc.toks[:-1]):
        if _stem(_strip_proclitic(t.norm)) != stem and _stem(t.norm) != stem:
            continue
        nxt = i + 1
        if doc.toks[nxt].norm in ("من", "of") and nxt + 1 < len(doc.toks):
            nxt += 1
        start = doc.toks[nxt].start
        for a in doc.actors:
            if abs(a.start - start) <= 2 or 0 <= t.start - a.end <= 2:
                return _actor_of(a)  # "fighters of X", "X fighters"
    return None


# ----------------------------------------------------------------------------- apply


def _guarded(doc: _Doc, chunk: _Chunk, ms: int, me: int, rule: Rule) -> bool:
    """True when the phrase is intent, negated, fire control or people moving."""
    before = doc.folded[_fpos(doc, max(chunk.start, ms - 70)):_fpos(doc, ms)]
    after = doc.folded[_fpos(doc, me):_fpos(doc, min(chunk.end, me + 60))]
    if not rule.pocket and (_NEGATION.search(before[-30:]) or _DENIAL.search(before)):
        return True
    if (rule.noun or _NOMINAL.fullmatch(doc.folded[_fpos(doc, ms):_fpos(doc, me)].split()[-1]
                                        if doc.folded[_fpos(doc, ms):_fpos(doc, me)].split()
                                        else "")) and _WIDE_NEGATION.search(before[-60:]):
        return True  # "من دون أن تحسم قسد السيطرة عليها"
    near = before[-45:] if rule.status != "captured" else before[-60:]
    if _INTENT.search(near):
        return True
    verbal = not rule.pocket and rule.actor == "subject"
    if _hypothetical(doc, chunk, ms, me, before, verbal=verbal):
        return True
    if _FIRE.search(after) or "ناريا" in doc.folded[_fpos(doc, ms):_fpos(doc, me)]:
        return True
    if rule.name == "held_areas_ar" and re.search(_f(r"(?:نحو|إلى|الى|باتجاه|صوب)\s*$"), before):
        return True  # "نزحوا نحو مناطق سيطرة X": a destination of people
    return bool(_MOVEMENT.search(before[-25:]))


def _is_imperfect(word: str) -> bool:
    """An Arabic imperfect (present/subjunctive) verb form: تسيطر, يتمكن, نستعيد.

    A word in ت of four letters ("تمكن", "تقدم") is as often a past verb of form V, and
    "تفاعل"/"تفعيل" shapes ("تراجع", "تحرير") are past verbs or verbal nouns: not counted.
    """
    w = word[1:] if word[:1] in ("و", "ف") and len(word) > 4 else word
    if len(w) < 4 or w[0] not in "تين" or not re.fullmatch("[\u0600-\u06ff]+", w):
        return False
    if w in _ACTOR_FEMININE | _ACTOR_MASCULINE | _GROUP_HEADS | _NOT_VERBS or \
            w.startswith(("تنظيم", "تشرين")) or w.endswith("ات"):
        return False
    return not (w[0] == "ت" and (len(w) < 5 or w[2] == "ا" or (len(w) == 5 and w[3] == "ي")))


_MODAL_STEMS = ("تمكن", "ستطيع", "نجح", "قدر")
#: "قبل أن" + imperfect is narrative past after a past main verb ("خسرتها قبل أن تستعيدها");
#: it is hypothetical with a modal ("قبل أن تتمكن") or after a present main verb.
_BEFORE_THAT = _ws("قبل", "وقبل")


def _future_verb(word: str) -> bool:
    """"ستسيطر", "سيخسر", "وستتمكن", "لتسيطر" (future or purpose on the verb itself)."""
    w = word[1:] if word[:1] in ("و", "ف") and len(word) > 5 else word
    return len(w) >= 5 and w[0] in "سل" and not w.startswith("سيطر") and _is_imperfect(w[1:])


def _present_main_verb(doc: _Doc, lo: int, hi: int) -> bool:
    """An imperfect verb in the clause before token `hi` ("وتتواصل المعارك ... قبل أن")."""
    k = hi
    while k >= max(lo, hi - 12):
        w = doc.toks[k].norm
        if _is_imperfect(w) and not w.startswith(("يزال", "تزال")):
            return True
        if k > 0 and _boundary_between(doc.text, doc.toks[k - 1], doc.toks[k],
                                       _CLAUSE_BOUNDARY):
            break
        k -= 1
    return False


def _hypothetical(doc: _Doc, chunk: _Chunk, ms: int, me: int, before: str, *,
                  verbal: bool = True) -> bool:
    """True when the phrase is forecast, conditional, subjunctive or future, not an event.

    Arabic: "ستسيطر", "من المتوقع أن", "قبل أن تتمكن X من بسط سيطرتها", "حتى تتمكن",
    "قد تسيطر", "في حال تمكن X من السيطرة" (the condition runs until "فإن"); English:
    "will", "is expected to", "before X can take", "if X takes", "aims to capture".
    """
    local = re.split(r"[،,;؛]", before)[-1]
    if _EXPECT.search(local):
        return True
    i0 = _first_tok_after(doc, ms)
    i1 = max(i0, _last_tok_before(doc, me))
    if any(_future_verb(doc.toks[k].norm) for k in range(i0, min(i1 + 1, len(doc.toks)))):
        return True
    lo = _first_tok_after(doc, chunk.start)
    k = i0 - 1
    while k >= max(lo, i0 - 8):
        if _boundary_between(doc.text, doc.toks[k], doc.toks[k + 1], _CLAUSE_BOUNDARY):
            break
        w = doc.toks[k].norm
        nxt = doc.toks[k + 1].norm
        if _future_verb(w) or w in _FUTURE_WORDS:
            return True
        if (w in _SUBJ_PARTICLES or w in _ws("قد", "وقد")) and _is_imperfect(nxt):
            prev = doc.toks[k - 1].norm if k > 0 else ""
            if prev in _ws("بعد", "منذ", "عقب"):
                pass  # "بعد أن": what follows has happened
            elif prev not in _BEFORE_THAT or any(m in nxt for m in _MODAL_STEMS) or \
                    _present_main_verb(doc, lo, k - 1):
                return True
        k -= 1
    whole = doc.folded[_fpos(doc, chunk.start):_fpos(doc, ms)]
    conds = list(_CONDITIONAL.finditer(whole))
    if conds and len(whole) - conds[-1].end() <= 160 and not _CONSEQUENCE.search(
            whole, conds[-1].end()):
        return True  # "في حال تمكن X من التقدم والسيطرة على P"
    # "aims to capture", "an offensive to retake": an aim, unless achieved ("managed to")
    return verbal and bool(re.search(r"\bto\s*$", whole)) and not _EN_ACHIEVED.search(whole)


def _apply(doc: _Doc, ci: int, rule: Rule, ms: int, me: int, surface: str
           ) -> list[_RawClaim] | None:
    chunk = doc.chunks[ci]
    if _guarded(doc, chunk, ms, me, rule):
        return None
    verb_word = surface.split()[-1] if surface.split() else surface
    first_after = _first_tok_after(doc, me)
    chunk_end_tok = _first_tok_after(doc, chunk.end)
    places: list[_Place] = []
    fraction = rule.fraction
    obj_start: int | None = None
    pronoun_obj = False
    if rule.place in ("after", "either"):
        starts_at: list[int] = [first_after]
        if not rule.prep:
            # VSO: "استعادت قوات النظام مدينة X" -- the object follows the subject
            subj = [a for a in doc.actors if a.start >= me and a.start - me <= 2]
            if subj:
                starts_at = [_first_tok_after(doc, subj[0].end)]
        if rule.prep:
            # the preposition within the window; a pronoun on it points back ("عليها")
            starts_at = []
            preps = _ws(*rule.prep)
            for j in range(first_after, min(chunk_end_tok, first_after + rule.window)):
                w = doc.toks[j].norm
                if w in preps or _strip_proclitic(w) in preps:
                    starts_at.append(j + 1)
                elif w in _PRONOUN_OBJECTS and _PRONOUN_OBJECTS[w] in preps:
                    if not starts_at:
                        pronoun_obj = True
                    break
                if j > first_after and _boundary_between(doc.text, doc.toks[j - 1], doc.toks[j],
                                                         _CLAUSE_BOUNDARY):
                    break
            if not starts_at and not pronoun_obj and rule.place == "either":
                starts_at = [first_after]
        limit = chunk_end_tok + (12 if rule.pocket else 0)
        if pronoun_obj:
            places = _antecedent(doc, ms, chunk, pronoun=True)
        for k in starts_at:
            if places or k >= min(len(doc.toks), limit):
                break
            if not (k == 0 or rule.pocket or k == first_after
                    or not _boundary_between(doc.text, doc.toks[k - 1], doc.toks[k])):
                continue
            places, fr, _ = _parse_list(doc, k, limit)
            fraction = fr if fr is not None else fraction
            if not places and fr is None:
                places, fraction = _enumeration(doc, k, chunk, fraction)
            if places:
                obj_start = places[0].start
    if rule.place == "inside":
        places = [p for k, (_, p) in sorted(doc.spans.items())
                  if p.start >= ms and p.end <= me]
    if not places and rule.place in ("before", "either"):
        places = _antecedent(doc, ms, chunk, adjacent=2) if rule.place == "before" else \
            _pocket_before(doc, ms, chunk)
    if not places:
        return None
    places = [p for p in places if not p.anaphor] + [
        q for p in places if p.anaphor for q in _recent_claimed(doc, p.start, chunk)]
    if not places:
        return None
    # --- actors
    status = rule.status
    besieger = None
    implicit = False
    group = None
    scope: str | None = None
    out_actor: str | None = None
    extra: list[tuple[str, str]] = []  # (actor, status) additional claims
    if rule.pocket:
        owner = _pocket_owner(doc, chunk, ms, me)
        if owner == "":
            return None  # the pocket belongs to a group the lexicon cannot name
        if owner is None:
            # the subject stands before the places ("IS now holds only P1 and P2,
            # surrounded by the SDF": the SDF after them is no subject)
            obj = obj_start if obj_start is not None and obj_start >= me else None
            got = _pick_subject(doc, chunk, ms, me, obj, verb_word)
            if got is None:
                return None
            out_actor, implicit = got
        else:
            out_actor = owner
        group = f"{doc.report.report_id}:{chunk.sent}"
        besieger = _besieger(doc, chunk, ms, out_actor, end=me)
        scope = _pocket_scope(doc, chunk, ms, me)
    elif rule.actor == "self":
        m = _SELF_ACTOR.search(doc.folded[_fpos(doc, ms):_fpos(doc, me)])
        name = (m.group(1) or m.group(2)) if m else ""
        found = [a for a in doc.actors if a.start >= ms and a.end <= me]
        if found:
            out_actor = _actor_of(found[0])
        elif name:
            out_actor = _actor_by_word(doc, name)
        if out_actor is None:
            return None
    elif rule.actor == "after":
        if surface.endswith(("ته", "تها", "تهم")) and rule.name.startswith("held"):
            # "الخاضعة لسيطرته": the pronoun's owner is the last actor named, in any role
            prev = [a for a in _actor_candidates(doc, chunk, objects=True) if a.end <= ms]
            out_actor = _actor_of(prev[-1]) if prev else None
        else:
            out_actor = _actor_after(doc, chunk, me)
        if out_actor is None:
            return None
    elif rule.name == "expel_ar":
        sub = [a for a in _actor_candidates(doc, chunk) if a.start >= me and
               (obj_start is None or a.end <= obj_start)]
        pre = [a for a in _actor_candidates(doc, chunk) if a.end <= ms and a.start >= chunk.start]
        if len(sub) >= 2:
            out_actor, loser = _actor_of(sub[0]), _actor_of(sub[1])
        elif len(sub) == 1 and pre:
            out_actor, loser = _actor_of(pre[-1]), _actor_of(sub[0])
        elif len(sub) == 1:
            out_actor, loser = None, _actor_of(sub[0])
        else:
            return None
        if loser and loser != out_actor:
            extra.append((loser, "lost"))
        if out_actor is None:
            out_actor, status = extra.pop()
    elif _CONSTRUCT_NOUN.fullmatch(verb_word) or (
            _WITHDRAWAL_NOUN.fullmatch(verb_word) and obj_start is not None and any(
                a.start >= me and a.end <= obj_start
                for a in _actor_candidates(doc, chunk, objects=True))):
        # "انسحاب X من P", "خروج X من P": X is the actor, and only X (people leaving a
        # place, "خروج 300 مدني من P", are no party; "عناصر التنظيم" unnamed says nothing)
        if obj_start is None:
            return None
        seg_toks = doc.toks[_first_tok_after(doc, me):_first_tok_after(doc, obj_start)]
        named = [a for a in _actor_candidates(doc, chunk, objects=True)
                 if a.start >= me and a.end <= obj_start]
        if any(_NUMBER.search(t.norm) or t.norm in _COUNT_WORDS for t in seg_toks):
            return None
        if named:
            out_actor = _actor_of(named[0])
        else:
            owned = [t for t in seg_toks if t.norm in _OWNED_GROUP]
            prior = [a for a in _actor_candidates(doc, chunk, objects=True) if a.end <= ms]
            if not owned or not prior:
                return None
            out_actor = _actor_of(prior[-1])  # "انسحاب عناصره": its members
    elif rule.name in ("contested_fight_ar", "contested_en"):
        # fighting involves the sides named in the clause ("بين X و Y")
        names = list(dict.fromkeys(_actor_of(a) for a in _actor_candidates(doc, chunk, objects=True)
                                   if a.start >= chunk.start and a.end <= chunk.end))
        if not names:
            return None
        out_actor = names[0]
        extra.extend((n, "contested") for n in names[1:2])
    elif rule.status == "besieged" and rule.actor == "subject":
        # "X حاصرت Y في P": Y is besieged, X besieges; "Y besieged in P" (passive)
        after = [a for a in _actor_candidates(doc, chunk, objects=True) if a.start >= me and
                 (obj_start is None or a.end <= obj_start)]
        before = [a for a in _actor_candidates(doc, chunk) if a.end <= ms]
        passive = bool(re.search(r"(?:is|are|was|were|remain|remains|been|be)\s*$",
                                 doc.folded[_fpos(doc, max(0, ms - 12)):_fpos(doc, ms)]))
        if rule.name == "besieged_en" and passive:
            if not before:
                return None
            out_actor = _actor_of(before[-1])
        elif len(after) >= 2 and rule.name == "besieged_ar":
            # VSO: "حاصرت قوات النظام التنظيم في P"
            besieger, out_actor = _actor_of(after[0]), _actor_of(after[1])
        elif after and before:
            out_actor, besieger = _actor_of(after[0]), _actor_of(before[-1])
        elif after and not (rule.name == "besieged_ar" and _gender_of_verb(verb_word)
                            and _gender_of_verb(verb_word) == _gender_of_actor(after[0].text)):
            out_actor = _actor_of(after[0])
        else:
            return None
        if besieger == out_actor:
            besieger = None
    elif rule.actor == "before":
        # the besieged stand before the adjective, often as "من عناصر X" (no subject slot)
        before = [a for a in _actor_candidates(doc, chunk, objects=rule.status == "besieged")
                  if a.end <= ms]
        if not before:
            return None
        # "300 عنصر من داعش محاصرين في P": the count is of the besieged, the siege stands
        unnamed = [t for t in doc.toks[_first_tok_after(doc, before[-1].end):
                                       _first_tok_after(doc, ms)]
                   if _strip_proclitic(t.norm) in _GROUP_HEADS]
        # "قسد وعناصر التنظيم المحاصرين": the group right before the adjective is besieged
        out_actor = _coref_actor(doc, unnamed[-1].norm) if unnamed else _actor_of(before[-1])
        if out_actor is None:
            return None
        if rule.status == "besieged":
            besieger = _besieger(doc, chunk, ms, out_actor, end=me)
    else:
        got = _pick_subject(doc, chunk, ms, me, obj_start, verb_word,
                            allow_implicit=not (rule.noun or _NOMINAL.fullmatch(verb_word)
                                                or rule.name.endswith("_en")))
        if got is None:
            return None
        out_actor, implicit = got
        if implicit and rule.status in ("contested", "besieged"):
            return None
    if out_actor == "coalition" and not _coalition_may_hold(doc, chunk, rule, verb_word):
        return None  # the coalition supports; its name beside a ground force is no subject
    if out_actor is None:
        return None
    # "taken" by the held-with-كان reading: a past holding is background, not a claim
    if rule.status == "held" and not rule.pocket and _PAST_HABIT.search(
            doc.folded[_fpos(doc, max(chunk.start, ms - 14)):_fpos(doc, ms)]):
        return None
    if rule.name.startswith("captured_became"):
        status = "captured"
    if fraction is not None and status in ("captured", "held") and not rule.pocket:
        status = "contested"
    if status == "captured" and not rule.pocket and places and places[-1].end > me:
        # "captured P from Y" / "انتزعت السيطرة على P من التنظيم": Y lost P
        holder = _from_actor(doc, places[-1].end, chunk)
        if holder and holder != out_actor and (holder, "lost") not in extra:
            extra.append((holder, "lost"))
    before_cue = bool(_BEFORE_CUE.search(
        doc.folded[_fpos(doc, me):_fpos(doc, min(chunk.end, me + 40))]))
    span_s = min([ms, *(p.start for p in places if p.start >= chunk.start)])
    span_e = max([me, *(p.end for p in places if p.end <= chunk.end)])
    out: list[_RawClaim] = []
    for place in places:
        for actor, st in [(out_actor, status), *extra]:
            out.append(_RawClaim(rule, ci, span_s, span_e, place, actor, st, implicit,
                                 fraction if st in ("contested", "held") else None, group,
                                 besieger, ms, before_cue, scope))
    doc.claimed.append((ms, chunk.sent, places))
    return out


def _coalition_may_hold(doc: _Doc, chunk: _Chunk, rule: Rule, verb_word: str) -> bool:
    """The coalition rarely holds ground: only as the sole actor of its sentence, with an
    explicit (not nominal) verb, is a claim about its own control believed."""
    if rule.noun or rule.pocket or _NOMINAL.fullmatch(verb_word) or rule.status == "besieged":
        return False
    others = [a for a in _actor_candidates(doc, chunk, objects=True)
              if _actor_of(a) != "coalition"]
    if others:
        return False
    # an unnamed group word ("عناصر التنظيم") in the sentence is another party too
    s, e = doc.sent_bounds[chunk.sent]
    return not any(_strip_proclitic(t.norm) in _GROUP_HEADS
                   for t in doc.toks[_first_tok_after(doc, s):_first_tok_after(doc, e)])


def _from_actor(doc: _Doc, pos: int, chunk: _Chunk) -> str | None:
    """The actor right after "من"/"from" following a place list, if any."""
    k = _first_tok_after(doc, pos)
    if k >= len(doc.toks) or doc.toks[k].norm not in ("من", "from") or \
            doc.toks[k].start >= chunk.end or k + 1 >= len(doc.toks):
        return None
    j = k + 1
    if doc.toks[j].norm in _MEMBERS and j + 1 < len(doc.toks):
        j += 1  # "من عناصر تنظيم داعش"
    nxt = doc.toks[j].start
    for a in doc.actors:
        if nxt <= a.start <= nxt + 6 and a.end <= chunk.end:
            return _actor_of(a)
    return None


def _enumeration(doc: _Doc, k: int, chunk: _Chunk, fraction: float | None
                 ) -> tuple[list[_Place], float | None]:
    """"السيطرة على أكثر من 20 قرية ... وهي X وY وZ": the list named later in the sentence."""
    sent_end = doc.sent_bounds[chunk.sent][1]
    seg = doc.folded[_fpos(doc, doc.toks[k].start):_fpos(doc, sent_end)] if k < len(doc.toks) \
        else ""
    head = seg[:40]
    if not re.search(r"\d|" + _f("عدد|عدة|قرى|بلدات|قرية|villages|towns"), head):
        return [], fraction
    m = re.search(_f(r"(?:^|[\s،,:])(?:وهي|هي|وهم|وهما|وهن|namely|including|:)\s"), seg[:400])
    if not m:
        return [], fraction
    start = doc.orig(_fpos(doc, doc.toks[k].start) + m.end())
    j = _first_tok_after(doc, start)
    places, _, _ = _parse_list(doc, j, _first_tok_after(doc, sent_end), enum=True)
    return places, fraction


def _pocket_before(doc: _Doc, ms: int, chunk: _Chunk) -> list[_Place]:
    """The list before a pocket phrase in apposition ("X وقرية Y المجاورة لها، آخر منطقتين
    متبقيتين للتنظيم"): the last place list of the clause, within a few words, whole."""
    i = _last_tok_before(doc, ms)
    if i < 0:
        return []
    sent_start = doc.sent_bounds[chunk.sent][0]
    for k in range(i, max(-1, i - 10), -1):
        if doc.toks[k].start < sent_start or (k < i and _boundary_between(
                doc.text, doc.toks[k], doc.toks[k + 1], ".;؛!?؟\n()")):
            break
        for j in range(k, max(-1, k - 5), -1):
            got = doc.spans.get(j)
            if got and got[0] == k:
                return _list_back(doc, j, got[1], sent_start)
    return []


def _list_back(doc: _Doc, j: int, last: _Place, sent_start: int) -> list[_Place]:
    """A place list ending with `last` (starting at token `j`), read backwards through
    "و", commas and feature words ("الباغوز فوقاني وقرية المراشدة")."""
    places = [last]
    p = j - 1
    while p >= 0 and doc.toks[p].start >= sent_start:
        found = None
        for q in range(p, max(-1, p - 6), -1):
            g2 = doc.spans.get(q)
            if g2 and g2[0] <= p:
                found = (q, g2[1])
                break
        if not found:
            break
        gap = doc.folded[_fpos(doc, found[1].end):_fpos(doc, places[0].start)]
        words = [w for w in re.split(r"[\s،,]+", gap) if w]
        if any(c in gap for c in ".;؛!?؟\n") or not all(
                w in ("و", "and") or w in _FEATURES or (w[:1] == "و" and w[1:] in _FEATURES)
                for w in words):
            break
        places.insert(0, found[1])
        p = found[0] - 1
    return places


_OWNER_PRONOUN = re.compile(_f(r"(?<!\w)(?:له|لها|لهم)(?!\w)|\bits\b|\btheir\b"), re.I)


def _pocket_owner(doc: _Doc, chunk: _Chunk, ms: int, me: int) -> str | None:
    """Whose pocket it is: the actor the phrase names ("للتنظيم", "لداعش", "ISIS's last
    pocket"), or the one a pronoun points to ("آخر جيب له", "its last pocket"), never the
    other party of the sentence. ``""`` when the owner is a group the lexicon cannot name,
    None when the phrase names no owner (the subject of the sentence decides)."""
    inside = [a for a in doc.actors if a.start >= ms and a.end <= me]
    if inside:
        return _actor_of(inside[0])
    toks = doc.toks[_first_tok_after(doc, ms):_first_tok_after(doc, me)]
    # "آخر جيب للتنظيم" / "last pocket of X": the owner right after the phrase
    after_i = _first_tok_after(doc, me)
    tail = doc.toks[after_i:after_i + 3]
    for t in [*toks, *tail[:1]]:
        w = t.norm
        if w.startswith("ل") and len(w) > 3 and not _OWNER_PRONOUN.fullmatch(w):
            found = _actor_by_word(doc, w) or next(
                (_actor_of(a) for a in doc.actors if a.start <= t.start + 2 and a.end >= t.end),
                None)
            if found:
                return found
            if _strip_proclitic(w) in _GROUP_HEADS or w[1:] in _GROUP_HEADS:
                return _coref_actor(doc, _strip_proclitic(w)) or ""
    if tail and tail[0].norm == "of" and len(tail) > 1:
        nxt = [a for a in doc.actors if 0 <= a.start - tail[0].end <= 6]
        if nxt:
            return _actor_of(nxt[0])
    seg = doc.folded[_fpos(doc, ms):_fpos(doc, min(len(doc.text), me + 4))]
    pre = doc.folded[_fpos(doc, max(0, ms - 6)):_fpos(doc, ms)]
    if _OWNER_PRONOUN.search(seg) or re.search(r"\b(?:its|their)\s*$", pre):
        want = "f" if re.search(_f(r"(?<!\w)لها(?!\w)"), seg) else \
            "m" if re.search(_f(r"(?<!\w)له(?!\w)"), seg) else None
        prev = [a for a in _actor_candidates(doc, chunk, objects=True) if a.end <= ms]
        lo = prev[-1].end if prev else doc.sent_bounds[chunk.sent][0]
        unnamed = [t for t in doc.toks[_first_tok_after(doc, lo):_first_tok_after(doc, ms)]
                   if _strip_proclitic(t.norm) in _GROUP_HEADS and not any(
                       a.start <= t.start < a.end + 2 for a in doc.actors)]
        if unnamed or not prev:
            # "آخر جيب له" after an unnamed group ("عناصر التنظيم"): no owner we can name
            return ""
        fit = [a for a in prev if want is None or _gender_of_actor(a.text) in (want, None)]
        near = prev[-1]
        if fit and fit[-1] is not near and _gender_of_actor(near.text) not in (want, None) \
                and near.start - fit[-1].end < 60:
            return _actor_of(fit[-1])
        return _actor_of(near)
    for t in toks:
        named = _coref_actor(doc, t.norm)
        if named:
            return named
    return None


_BANK_WEST = re.compile(_f(r"(?:غرب|غربي|بغرب)(?: نهر)? الفرات|الضف(?:ة|اف) الغربية|الشامية|"
                           r"west(?:ern)? bank|west of the euphrates"), re.I)
_BANK_EAST = re.compile(_f(r"(?:شرق|شرقي|بشرق)(?: نهر)? الفرات|الضف(?:ة|اف) الشرقية|"
                           r"(?<!\w)الجزيرة(?!\w)|east(?:ern)? bank|east of the euphrates"), re.I)
_ADMIN_CUE = re.compile(_f(r"(?:ريف|بريف|محافظة|بمحافظة|بادية|ببادية)\s+((?:\S+\s?){1,2})|"
                           r"(?:countryside of|province of)\s+((?:\S+\s?){1,3})|"
                           r"((?:\S+\s)?\S+)\s+(?:province|countryside)"), re.I)


def _pocket_scope(doc: _Doc, chunk: _Chunk, ms: int, me: int) -> str | None:
    """What a pocket statement's "whole remaining area" covers, when the report says so.

    A bank of the Euphrates ("آخر جيب له بغرب نهر الفرات", "its last pocket on the east
    bank") -> ``bank:west`` / ``bank:east``; a governorate or district ("آخر جيب للتنظيم في
    ريف حماة", "in Hama province") -> ``adm:<PCODE>``. Read in the phrase and the rest of
    its sentence, else in the part of the sentence before it ("the area ISIS holds on the
    east bank has shrunk to 15 km², as it only holds P1 and P2").
    """
    s_lo, s_hi = doc.sent_bounds[chunk.sent]
    after = doc.folded[_fpos(doc, ms):_fpos(doc, s_hi)]
    before = doc.folded[_fpos(doc, s_lo):_fpos(doc, ms)]
    for seg in (after, before):
        got = _scope_in(doc, seg)
        if got:
            return got
    return None


def _scope_in(doc: _Doc, seg: str) -> str | None:
    """The first bank or admin-unit cue in a piece of folded text, as a scope."""
    west, east = _BANK_WEST.search(seg), _BANK_EAST.search(seg)
    if west or east:
        if west and east:
            return "bank:west" if west.start() < east.start() else "bank:east"
        return "bank:west" if west else "bank:east"
    m = _ADMIN_CUE.search(seg)
    finder = getattr(doc.gazetteer, "find_admin", None) if doc.gazetteer is not None else None
    if m and finder is not None:
        name = next(g for g in m.groups() if g)
        words = name.split()
        for n in range(len(words), 0, -1):
            try:
                place = finder(" ".join(words[:n]))
            except Exception:  # a gazetteer without admin units: no scope
                place = None
            if place is not None:
                code = next((c for c in reversed(place.admin_pcodes) if c), "")
                if code:
                    return f"adm:{code}"
    return None


_SIEGE_WORD = re.compile(_f(r"(?<!\w)\w{0,3}(?:حاصر|تحاصر|يحاصر|محاصرة|حصار|besieg|encircl|"
                            r"surround)\w*"), re.I)


def _besieger(doc: _Doc, chunk: _Chunk, pos: int, besieged: str, end: int | None = None
              ) -> str | None:
    """Who besieges the pocket: the side of a siege word in the same sentence.

    First the last siege word before the phrase ("مكّن هذا التقدم قوات النظام من محاصرة
    التنظيم في آخر جيب له"), then, when `end` (the end of the pocket phrase) is given, the
    first siege word after it, in the rest of the sentence ("، حيث تحاصر قوات النظام
    عناصره في هذا الجيب", "في حين تحاصر قسد الجيب", "الجيب المحاصر من قبل قسد",
    "surrounded by the SDF", "the SDF-besieged pocket"). The side is the actor right after
    the siege word (verb-subject order, "من قبل X", "by X"), else the nearest actor before
    it; never the besieged side. A negated or intended siege says nothing.
    """
    s, e = doc.sent_bounds[chunk.sent]
    fs = _fpos(doc, s)
    before = list(_SIEGE_WORD.finditer(doc.folded, fs, _fpos(doc, pos)))
    if before:
        got = _siege_side(doc, chunk, before[-1], besieged, lo=s, hi=pos)
        if got is not None:
            return got
    if end is None:
        return None
    for m in _SIEGE_WORD.finditer(doc.folded, _fpos(doc, end), _fpos(doc, e)):
        got = _siege_side(doc, chunk, m, besieged, lo=end, hi=e)
        if got is not None:
            return got
    return None


_SIEGE_NEG = re.compile(_f(r"(?<!\w)(?:و|ف)?(?:لم|لن|ليس|ليست|عدم|دون)(?!\w)|\bnot\b|n't\b|"
                          r"\bfailed\b|\bnever\b"), re.I)


def _siege_side(doc: _Doc, chunk: _Chunk, m: re.Match[str], besieged: str, *, lo: int,
                hi: int) -> str | None:
    """The besieging side of one siege word `m` (folded offsets), looked for in [lo, hi)."""
    vpos = doc.orig(m.start())
    vend = doc.orig(m.end() - 1) + 1
    near = doc.folded[max(0, m.start() - 45):m.start()]
    if _SIEGE_NEG.search(near[-30:]) or _INTENT.search(near) or _DENIAL.search(near):
        return None
    every = _actor_candidates(doc, chunk, objects=True)
    # VSO / passive: "تحاصر قوات النظام عناصره", "المحاصر من قبل قسد", "surrounded by X"
    after = [a for a in every if vend <= a.start <= vend + 12 and a.end <= hi]
    if after and _actor_of(after[0]) != besieged:
        return _actor_of(after[0])
    # SVO / compound: "قسد تحاصر الجيب", "the SDF-besieged pocket"
    cands = [a for a in _actor_candidates(doc, chunk) if lo <= a.start and a.end <= vpos] \
        if lo > doc.sent_bounds[chunk.sent][0] else \
        [a for a in _actor_candidates(doc, chunk) if a.end <= vpos]
    for a in reversed(cands):
        if _actor_of(a) != besieged:
            return _actor_of(a)
    return None


_THEREBY = re.compile(_f(r"^\W*(?:و|ف)?(?:ب?هذا|ب?ذلك|بهذه|بهذين)(?!\w)|"
                         r"^\W*(?:with|after) th(?:is|at|ese)\b|^\W*thereby\b"), re.I)


def _besieger_from_capture(doc: _Doc, raw: list[_RawClaim]) -> None:
    """A pocket statement without a named besieger, after a capture by X in the same
    sentence ("سيطرت قوات النظام على P1، ولم يعد التنظيم يسيطر سوى على P2 وP3"), or
    opening with "وبهذا التقدم"/"with this advance" right after a sentence that tells of one:
    X is the besieger (it took the pocket's surroundings and faces what is left)."""
    for rc in raw:
        if rc.group is None or rc.besieger is not None or rc.status != "held":
            continue
        sent = doc.chunks[rc.chunk].sent
        sents = {sent}
        s_lo = doc.sent_bounds[sent][0]
        if _THEREBY.search(doc.folded[_fpos(doc, s_lo):_fpos(doc, s_lo) + 40]):
            sents.add(sent - 1)
        caps = [r for r in raw if r.status == "captured" and r.actor != rc.actor and
                r.actor not in ("coalition", "unknown") and doc.chunks[r.chunk].sent in sents
                and r.verb_pos < rc.verb_pos]
        if caps:
            rc.besieger = max(caps, key=lambda r: r.verb_pos).actor


#: "لينتهي بذلك وجود التنظيم", "أنهت قوات النظام وجود التنظيم", "انتهاء وجود التنظيم".
_END_AR = re.compile(_f(
    r"(?<!\w)(?:و|ف|ل|ول|وب|ب|وبال|بال|ال)?(?:ينتهي|تنتهي|انتهى|انتهت|انتهاء|إنهاء|انهاء|أنهت|"
    r"أنهى|ينهي|تنهي|ينهيان|أنهيا|منهية|منهيا|منهيةً|منهياً)"
    r"(?:\s+[^\s،,.؛;:]+){0,5}?\s+(?:(?:ل|و|ب)?(?:وجود|تواجد|حضور)\S{0,2})(?!\w)"), re.I)
#: "ending IS presence", "put an end to the presence of IS", "the last IS-held villages ... fell".
_END_EN = re.compile(
    r"\b(?:end(?:s|ed|ing)?|(?:put|putting|puts|brought|bringing|brings) an end to)\s+"
    r"(?!of\b)(?:the\s+)?(?:[\w'\u2019-]+\s+){0,3}?(?:presence|rule|control)\b(?:\s+of\b)?|"
    r"\b(?:the\s+)?last\s+(?:remaining\s+)?[a-z]+-(?:held|controlled)\s+"
    r"(?:villages?|towns?|areas?|positions|strongholds?|pockets?|enclaves?)\b", re.I)
_FUTURE_TIME = re.compile(_f(r"(?<!\w)(?:المقبل|المقبلة|القادم|القادمة|قريبا|قريباً)(?!\w)|"
                             r"\b(?:next|coming|soon)\b"), re.I)
_RESULT_LAM = re.compile(_f(r"^(?:و|ف)?ل(?:ي|ت)نتهي$"))
_END_RULE = Rule("end_of_presence", "lost", r"end_of_presence_placeholder", pocket=True)


def _end_of_presence(doc: _Doc, raw: list[_RawClaim]) -> list[_RawClaim]:
    """End-of-presence statements as a group of ``lost`` claims sharing one group.

    "لينتهي بذلك وجود التنظيم في المنطقة", "أنهت قوات النظام وجود التنظيم في ريف حماة",
    "ending IS presence in the area", "X and Y, the last IS-held villages in the area, fell
    to ...": the actor whose presence ended (A) lost the places captured from it in the
    same sentence (else paragraph, else report) by another side, and the places A is said
    to have lost there; the claims share one `exclusive_group` (A's area in that theatre is
    now empty), `besieger` is the side that ended it (the subject of "أنهت", else the
    capturer of those places) and `scope` the bank or admin unit the sentence names (kept
    only when every named place lies inside it). Intent, plans, conditions, negation and
    the future ("تسعى لإنهاء", "سينتهي وجوده", "في حال ... فإن") are no statement.
    """
    out: list[_RawClaim] = []
    done: dict[tuple[str, frozenset[str]], str] = {}
    for rx in (_END_AR, _END_EN):
        for m in rx.finditer(doc.folded):
            ms, me = doc.orig(m.start()), doc.orig(m.end() - 1) + 1
            ci = _chunk_at(doc, ms)
            if ci is None:
                continue
            chunk = doc.chunks[ci]
            if _end_guarded(doc, chunk, ms, me, m.group()):
                continue
            ended, ender = _end_parties(doc, chunk, ms, me, m.group())
            if ended is None:
                continue
            sent = chunk.sent
            pool = [r for r in raw if r.group is None and (
                (r.status == "captured" and r.actor != ended) or
                (r.status == "lost" and r.actor == ended))]
            picked = _nearest_pool(doc, pool, chunk)
            if not picked:
                continue
            if ender is None:
                caps = [r.actor for r in picked if r.status == "captured"]
                ender = max(set(caps), key=caps.count) if caps else None
            if ender == ended:
                ender = None
            places: dict[tuple[int, int], _Place] = {}
            for r in picked:
                places.setdefault((r.place.start, r.place.end), r.place)
            key = (ended, frozenset(_f(p.text).lower().strip() for p in places.values()))
            group = done.setdefault(key, f"{doc.report.report_id}:end:{sent}")
            scope = _pocket_scope(doc, chunk, ms, me)
            for place in places.values():
                out.append(_RawClaim(_END_RULE, ci, ms, me, place, ended, "lost", False, None,
                                     group, ender, ms, False, scope))
    return out


def _nearest_pool(doc: _Doc, pool: list[_RawClaim], chunk: _Chunk) -> list[_RawClaim]:
    """The claims of `pool` in the chunk's sentence, else its paragraph, else the report."""
    for level in ("sent", "para", "report"):
        picked = [r for r in pool if level == "report"
                  or getattr(doc.chunks[r.chunk], level) == getattr(chunk, level)]
        if picked:
            return picked
    return []


def _chunk_at(doc: _Doc, pos: int) -> int | None:
    for i, c in enumerate(doc.chunks):
        if c.start <= pos < c.end:
            return i
    return None


def _end_guarded(doc: _Doc, chunk: _Chunk, ms: int, me: int, surface: str) -> bool:
    """True when an end-of-presence phrase is intent, negated, conditional or future."""
    before = doc.folded[_fpos(doc, max(chunk.start, ms - 70)):_fpos(doc, ms)]
    word = surface.split()[0] if surface.split() else ""
    if word.startswith(("لانهاء", "ولانهاء")) or re.search(r"\bto\s*$", before):
        return True  # "لإنهاء وجود التنظيم", "to end IS presence": an aim
    if _NEGATION.search(before[-30:]) or _DENIAL.search(before) or _INTENT.search(before[-45:]):
        return True
    after = doc.folded[_fpos(doc, me):_fpos(doc, min(chunk.end, me + 50))]
    if _FUTURE_TIME.search(re.split(r"[،,;؛.]", after)[0]):
        return True  # "... مع بداية العام المقبل", "by next year"
    bare = word.lstrip("وف")
    if bare.startswith(("انهاء", "انتهاء", "بانهاء", "بانتهاء")) and re.search(
            _f(r"(?<!\w)(?:على|الى|إلى|نحو|بهدف|لأجل|عزم|تصميم)\s*$"), before):
        return True  # "تصميم قسد على إنهاء وجود التنظيم": determination, not an event
    if _RESULT_LAM.match(word):
        # "لينتهي بذلك": the result of what the sentence told, not a purpose; only a
        # condition or a forecast around it makes it hypothetical
        whole = doc.folded[_fpos(doc, doc.sent_bounds[chunk.sent][0]):_fpos(doc, ms)]
        conds = list(_CONDITIONAL.finditer(whole))
        if _INTENT.search(whole) or any(_future_verb(w) or w in _FUTURE_WORDS
                                        for w in whole.split()):
            return True  # "تعتزم قسد إنهاء وجوده ...، لينتهي وجود التنظيم": the aim's result
        return bool(_EXPECT.search(re.split(r"[،,;؛]", before)[-1]) or (
            conds and not _CONSEQUENCE.search(whole, conds[-1].end())))
    return _hypothetical(doc, chunk, ms, me, before, verbal=True)


def _end_parties(doc: _Doc, chunk: _Chunk, ms: int, me: int, surface: str
                 ) -> tuple[str | None, str | None]:
    """(the actor whose presence ended, the actor that ended it or None)."""
    every = _actor_candidates(doc, chunk, objects=True)
    s_hi = doc.sent_bounds[chunk.sent][1]
    inside = [a for a in every if a.start >= ms and a.end <= me]
    tail = surface.rstrip()
    ended: str | None = None
    ender: str | None = None
    if re.search(r"-(?:held|controlled)\b", tail):
        ended = _actor_of(inside[-1]) if inside else None
    elif tail.endswith(("presence", "rule", "control")) and inside:
        ended = _actor_of(inside[-1])  # "ending IS presence"
        inside = inside[:-1]
    elif re.search(_f(r"(?:وجوده|وجودها|تواجده|تواجدها|حضوره)$"), tail):
        prev = [a for a in every if a.end <= ms]
        ended = _actor_of(prev[-1]) if prev else None
        return ended, None
    else:  # the owner follows the noun: "وجود التنظيم", "presence of IS"
        nxt = [a for a in every if me <= a.start <= me + 14 and a.end <= s_hi]
        ended = _actor_of(nxt[0]) if nxt else None
    if ended is None:
        return None, None
    transitive = re.match(_f(r"(?:و|ف)?(?:أنهت|أنهى|ينهي|تنهي|ينهيان|أنهيا|منهية|منهيا|"
                             r"end|ended|ends|ending|put|putting|puts|brought|bringing|brings)"
                             r"(?!\w)"), surface, re.I)
    if transitive:
        own = [a for a in inside if _actor_of(a) != ended]
        if own:  # VSO: "أنهت قوات النظام وجود التنظيم"
            ender = _actor_of(own[0])
        else:
            prev = [a for a in _actor_candidates(doc, chunk) if a.end <= ms and
                    a.start >= chunk.start and _actor_of(a) != ended]
            ender = _actor_of(prev[-1]) if prev else None
    return ended, ender


# ----------------------------------------------------------------------------- finalise


class _Resolver:
    """Resolves place mentions with the report's context, remembering what it resolved."""

    def __init__(self, doc: _Doc, gazetteer: _Gazetteer) -> None:
        self.doc = doc
        self.gaz = gazetteer
        self.report_ctx = gazetteer.context_from_text(doc.text)
        self._ctx_cache: dict[int, Any] = {}
        self.resolved: list[Place] = []
        self.results: dict[tuple[int, int], Any] = {}
        self._names: dict[str, str] | None = None

    def _context(self, start: int) -> Any:
        i = _last_tok_before(self.doc, start + 1)
        ci = self.doc.chunk_of_tok[i] if 0 <= i < len(self.doc.chunk_of_tok) else 0
        if ci not in self._ctx_cache:
            ch = self.doc.chunks[ci] if self.doc.chunks else None
            if ch is None:
                self._ctx_cache[ci] = self.report_ctx
            else:
                s = self.doc.sent_bounds[ch.sent][0]
                # the chunk and up to 700 characters before it, within the paragraph
                para_s = self.doc.para_starts[ch.para]
                lo = max(para_s, min(s, ch.start - 700) if ch.start - s > 700 else s)
                lo = max(para_s, min(lo, ch.start - 300))
                local = self.gaz.context_from_text(self.doc.text[lo:ch.end])
                if getattr(local, "admin_pcodes", ()):
                    self._ctx_cache[ci] = local
                else:
                    self._ctx_cache[ci] = local.merge(self.report_ctx) if hasattr(
                        local, "merge") else self.report_ctx
        return self._ctx_cache[ci]

    def _with_near(self, ctx: Any) -> Any:
        if self.resolved and hasattr(ctx, "with_near"):
            return ctx.with_near(self.resolved[-8:])
        return ctx

    def resolve(self, p: _Place) -> Any:
        key = (p.start, p.end)
        if key in self.results:
            return self.results[key]
        res = None
        fuller = self._fuller_name(p)
        if fuller is not None:
            # "الباغوز" in a report that also says "الباغوز فوقاني": the short form of it
            res = self.gaz.resolve(fuller, self._with_near(self._context(p.start)))
            if res.status != "resolved":
                res = None
        if res is None and len(getattr(self.report_ctx, "admin_pcodes", ())) < 2:
            # one theatre (or none) named in the report: its context decides, unless the
            # name stays unclear, when the words around the mention are read too
            res = self.gaz.resolve(p.text, self._with_near(self.report_ctx))
        if res is None or res.status != "resolved":
            res = self.gaz.resolve(p.text, self._with_near(self._context(p.start)))
        if res.status == "resolved" and res.place is not None:
            self.resolved.append(res.place)
        self.results[key] = res
        return res

    def _fuller_name(self, p: _Place) -> str | None:
        """The one longer name of the report that starts with this mention's name."""
        if self._names is None:
            self._names = {_f(q.text).lower().strip(): q.text
                           for _, (_, q) in self.doc.spans.items()}
        short = _f(p.text).lower().strip()
        longer = {v for k, v in self._names.items() if k.startswith(short + " ")}
        return longer.pop() if len(longer) == 1 else None

    def mentions(self) -> list[Mention]:
        for _, (_, p) in sorted(self.doc.spans.items()):
            self.resolve(p)
        out = []
        for (s, e), res in sorted(self.results.items()):
            cands = tuple(c.place.place_id for c in getattr(res, "candidates", ()))
            place = res.place
            out.append(Mention(self.doc.text[s:e], s, e, res.status,
                               place.place_id if place is not None else None,
                               cands if res.status != "resolved" else (), float(res.score)))
        return out


_SPEECH_BEFORE = re.compile(_f(
    r"(?<!\w)(?:قال|قالت|أفاد|أفادت|ذكر|ذكرت|أكد|أكدت|أوضح|أوضحت|صرح|صرحت|نقلت|نقل)"
    r"(?:\s+\S+){0,4}\s*$|\b(?:said|says|told|reported|added|stated)\b(?:\s+\S+){0,1}\s*$"),
    re.I)


#: A comma (or semicolon) opening a new finite clause: "، وإن", "، حيث", "، فيما", ", while".
_CLAUSE_SPLIT = re.compile(_f(
    r"[،,;؛]\s*(?=(?:و|ف)?(?:إن|أن|ان|حيث|فيما|كما|إذ|اذ|في حين|بينما|ثم|لكن|مما|بعد أن|"
    r"عقب أن)(?!\w)|(?:and|while|but|whereas|where)\b)"), re.I)
_ONGOING = re.compile(_f(
    r"(?<!\w)(?:الآن|حاليا|حالياً|(?:لا|ما) (?:يزال|تزال|يزالون|تزالان|يزالان|زال|زالت)|"
    r"باتوا|بات|باتت|أصبح|أصبحت|أصبحوا|صاروا)(?!\w)|"
    r"\b(?:now|still|currently|is|are|remains?|remain)\b"), re.I)
_STATE_RULES = frozenset({"besieged_adj_ar"})
#: A relative clause after the claim ("... مع القرى التي دخلها الأسبوع الفائت"): a date
#: inside it dates that clause's own verb.
_RELATIVE_CLAUSE = re.compile(_f(r"(?<!\w)(?:التي|الذي|اللتين|اللذين|الذين|اللواتي|والتي|"
                                 r"والذي)\s+\S+|\b(?:which|that|where|who)\s+\S+"), re.I)


def _clause_of(doc: _Doc, chunk: _Chunk, pos: int) -> tuple[int, int]:
    """The clause of the chunk around `pos` (original offsets), cut at a comma that opens
    a new finite clause ("، وإن", "، حيث", ", while")."""
    fs, fe = _fpos(doc, chunk.start), _fpos(doc, chunk.end)
    fp = _fpos(doc, pos)
    lo, hi = fs, fe
    for m in _CLAUSE_SPLIT.finditer(doc.folded, fs, fe):
        if m.start() < fp:
            lo = m.end()
        else:
            hi = m.start()
            break
    return doc.orig(lo) if lo < len(doc.folded) else chunk.start, \
        doc.orig(hi - 1) + 1 if hi > lo else chunk.end


def _ongoing(doc: _Doc, rc: _RawClaim, clause_start: int) -> bool:
    """A state that holds as the report speaks: ``held``/``besieged`` told in the present
    ("تحاصر", "يسيطر", "لم يعد يسيطر", "is besieged", "remain trapped") or as a participle
    ("محاصرين", "باتوا محاصرين"), with no "كان"/"had been" making it past."""
    if rc.status not in ("held", "besieged") or rc.rule is _END_RULE:
        return False
    head = doc.folded[_fpos(doc, clause_start):_fpos(doc, rc.verb_pos)]
    if _PAST_HABIT.search(head):
        return False
    i = _first_tok_after(doc, rc.verb_pos)
    words = [t.norm for t in doc.toks[i:i + 3]]
    if rc.rule.name in _STATE_RULES or any(_is_imperfect(w) for w in words[:2]):
        return True
    return bool(_ONGOING.search(head[-30:]))


def _date_for(doc: _Doc, rc: _RawClaim) -> tuple[dt.date | None, str, float, int, int | None]:
    """(date, precision, confidence penalty, source, weekday) for a claim; source 2 = a date
    in the claim's own clause, 1 = the last date before it, 0 = the publication date or none;
    weekday is set when the date picked is a weekday nothing dates ("اليوم الأحد" in an
    undated report): the claim is then undated and the control layer may date it."""
    chunk = doc.chunks[rc.chunk]
    in_chunk = [d for d in doc.dates if d.start >= chunk.start and d.end <= chunk.end]
    penalty = 0.0
    pick = None
    source = 0
    # "said on Monday", "أفاد اليوم": the date of the telling, not of the event, when the
    # clause has another date
    events = [d for d in in_chunk if not _SPEECH_BEFORE.search(
        doc.folded[_fpos(doc, max(chunk.start, d.start - 25)):_fpos(doc, d.start)])]
    in_chunk = events or in_chunk
    lo, hi = _clause_of(doc, chunk, rc.verb_pos)
    own = [d for d in in_chunk if d.start >= lo and d.end <= hi and not (
        d.start > rc.verb_pos and _RELATIVE_CLAUSE.search(
            doc.folded[_fpos(doc, rc.verb_pos):_fpos(doc, d.start)]))]
    if not own and doc.report.published is not None and _ongoing(doc, rc, lo):
        # a present state with no date of its own ("باتوا محاصرين", "is besieged"): as of
        # the report, not the day of a neighbouring clause's event
        date, precision = doc.report.published, doc.report.published_precision
        penalty = 0.1 if doc.report.published_inferred else 0.0
        return date, precision, penalty + (0.05 if precision != "day" else 0.0), 2, None
    if own:
        in_chunk = own
    if in_chunk:
        pick = min(in_chunk, key=lambda d: abs(d.start - rc.verb_pos))
        source = 2
    if pick is None:
        prior = [d for d in doc.dates if d.end <= chunk.start]
        if prior:
            pick = prior[-1]
            penalty += 0.1
            source = 1
    if pick is not None and pick.date is None:  # a weekday alone: undated, weekday kept
        return None, "unknown", 0.2, source, pick.weekday
    if pick is not None and pick.date is not None:
        date, precision = pick.date, pick.precision
        later = [d for d in in_chunk if d.date is not None and d.start > pick.end
                 and d.start - pick.end <= 40
                 and re.search(_f(r"(?<!\w)(?:وحتى|حتى|إلى|الى|until|to|and)(?!\w)"),
                               doc.folded[_fpos(doc, pick.end):_fpos(doc, d.start)])]
        if later and later[0].date > date:
            # "from the 21st to the 26th": the claim stands at the end of the period
            date, precision = later[0].date, "week" if (later[0].date - date).days <= 10 \
                else "month"
        if pick.range_start is not None and precision == "day" and pick.range_start != date:
            span = (date - pick.range_start).days
            precision = "day" if span <= 2 else "week" if span <= 10 else "month"
        rp = doc.report.published_precision
        if pick.relative and rp in PRECISIONS and PRECISIONS.index(rp) > PRECISIONS.index(
                precision):
            precision = rp  # resolved against a publication date known only roughly
    elif doc.report.published is not None:
        date, precision = doc.report.published, doc.report.published_precision
        if doc.report.published_inferred:
            penalty += 0.1
    else:
        return None, "unknown", 0.2, 0, None
    if rc.before_cue and PRECISIONS.index(precision) < PRECISIONS.index("month"):
        precision = "month"
        penalty += 0.05
    if precision != "day":
        penalty += 0.05
    return date, precision, penalty, source, None


def _check_end_scopes(doc: _Doc, raw: list[_RawClaim], resolver: _Resolver) -> None:
    """Drop the scope of an end-of-presence group when one of its resolved places lies
    outside it (the area named is then not the theatre of the statement)."""
    groups: dict[str, list[_RawClaim]] = {}
    for rc in raw:
        if rc.rule is _END_RULE and rc.scope:
            groups.setdefault(rc.group or "", []).append(rc)
    bank_of = getattr(doc.gazetteer, "bank_of", None)
    for members in groups.values():
        scope = members[0].scope or ""
        inside = True
        for rc in members:
            res = resolver.resolve(rc.place)
            place = res.place if res.status == "resolved" else None
            if place is None:
                continue
            if scope.startswith("adm:"):
                code = scope[4:]
                inside = any(c == code for c in place.admin_pcodes) or place.place_id == scope
            elif scope.startswith("bank:") and bank_of is not None:
                got = bank_of(place.place_id)
                inside = got is None or got == scope[5:]
            if not inside:
                break
        if not inside:
            for rc in members:
                rc.scope = None


def _finalise(doc: _Doc, raw: list[_RawClaim], resolver: _Resolver) -> list[ControlClaim]:
    partisan = bool(_PARTISAN_PUBLISHERS.search(doc.report.publisher or "")) or bool(
        _PARTISAN_PUBLISHERS.search(doc.report.source_url or ""))
    _check_end_scopes(doc, raw, resolver)
    made: list[tuple[tuple[Any, ...], int, ControlClaim]] = []
    for rc in sorted(raw, key=lambda r: (r.start, r.place.start)):
        if _is_region(doc, rc.place):
            continue
        res = resolver.resolve(rc.place)
        place = res.place if res.status == "resolved" else None
        if place is not None and place.kind in NON_TARGET_KINDS:
            continue
        chunk = doc.chunks[rc.chunk]
        sent_s = doc.sent_bounds[chunk.sent][0]
        sentence = doc.text[chunk.start:chunk.end]
        date, precision, penalty, source, weekday = _date_for(doc, rc)
        conf = 0.9 - penalty
        if rc.implicit_actor:
            conf -= 0.2
        if rc.rule.noun:
            conf -= 0.05
        if place is None:
            conf -= 0.15
        if rc.place.trigger:
            conf -= 0.05
        if partisan or _PARTISAN.search(doc.folded[_fpos(doc, sent_s):_fpos(doc, chunk.end)]):
            conf -= 0.15
        conf = round(min(0.95, max(0.05, conf)), 3)
        key = (place.place_id if place else rc.place.text, rc.actor, rc.status, rc.group)
        made.append((key, source, ControlClaim(
            report_id=doc.report.report_id,
            source_file=doc.report.source_file,
            place_text=rc.place.text,
            place_id=place.place_id if place else None,
            actor=rc.actor,
            status=rc.status,
            date=date,
            date_precision=precision,
            confidence=conf,
            evidence=Evidence(rc.start, rc.end, sentence, rc.rule.name),
            fraction=rc.fraction,
            exclusive_group=rc.group,
            besieger=rc.besieger,
            scope=rc.scope,
            name_ar=place.name_ar if place else "",
            name_en=place.name_en if place else "",
            lat=place.lat if place else None,
            lon=place.lon if place else None,
            weekday=weekday,
        )))
    return _dedupe(made)


def _dedupe(made: list[tuple[tuple[Any, ...], int, ControlClaim]]) -> list[ControlClaim]:
    """One claim per (place, actor, status, group) and date.

    A claim dated by its own clause wins over the same claim dated only by the text before
    it or by the publication date (a headline repeats the body); distinct explicit dates
    are distinct events ("taken on the 9th, lost on the 11th, retaken on the 19th").
    """
    best_source: dict[tuple[Any, ...], int] = {}
    for key, source, _ in made:
        best_source[key] = max(best_source.get(key, 0), source)
    out: list[ControlClaim] = []
    seen: set[tuple[Any, ...]] = set()
    for key, source, claim in made:
        if best_source[key] == 2 and source < 2:
            continue
        full = (*key, claim.date) if source == 2 else key
        if full in seen:
            continue
        seen.add(full)
        out.append(claim)
    return out


# ----------------------------------------------------------------------------- batch


def extract_paths(
    paths: Iterable[str | os.PathLike[str]],
    gazetteer: _Gazetteer,
    lexicon: _Lexicon,
    *,
    published: dt.date | None = None,
) -> Iterator[Extraction | ReportProblem]:
    """Read report files and extract each: yields `Extraction` or `ReportProblem`.

    The reader is `tracker.reports.read_reports` (so `tracker extract` and `tracker ingest`
    share it); a problem with one input is yielded and the batch goes on.
    """
    from tracker.reports import ReportProblem, read_reports

    for item in read_reports(paths, published=published):
        if isinstance(item, ReportProblem):
            yield item
        else:
            yield extract(item, gazetteer, lexicon)


def claims_of(extractions: Sequence[Extraction]) -> list[ControlClaim]:
    """All claims of several extractions, in order."""
    return [c for x in extractions for c in x.claims]
