"""The gazetteer index: place-name resolution and spotting (pure; no I/O).

`Gazetteer(places)` indexes every name and alias of every `Place` under the Arabic keys of
`tracker.arabic.name_keys` and the Latin skeletons of `tracker.arabic.latin_key`. A query is
looked up in tiers, stopping at the first tier that finds something:

1. the whole normalised name (exact, or an indexed variant such as the article dropped or
   ``ابو``/``البو``);
2. the name with leading feature words (قرية، بلدة، مدينة ...) and proclitics (و ب ل ف ك
   and their stacks) removed -- only ever used when the stripped form is a known name;
3. a trailing qualifier (تحتاني، فوقاني ...) dropped, when only the plain name exists;
4. fuzzy matching (rapidfuzz) over the key list, restricted to keys of a compatible length.

Candidates are then scored against a `Context` (admin units named near the mention, the
other places resolved in the same report, a bounding box, the bank of the Euphrates) and
`resolve` says ``resolved``, ``ambiguous`` or ``unresolved``. Nothing here raises on bad
input except the explicit `get` / `resolve_strict`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from shapely.geometry import Point

from tracker.arabic import (
    ABU_FORMS,
    FEATURE_WORDS,
    QUALIFIERS,
    is_arabic,
    latin_key,
    name_keys,
    normalize,
    proclitic_variants,
    strip_article,
    tokens,
)
from tracker.banks import (
    BANKS,
    banks_of_all,
    load_rivers,
    river_labels,
    river_segments,
)
from tracker.banks import bank_of as _bank_of_point
from tracker.cues import AR_CUE_KINDS, AdminPhrase, admin_phrases, bank_cue, unit_phrase
from tracker.errors import AmbiguousPlaceError, UnknownPlaceError
from tracker.geo import distance_km
from tracker.model import ADMIN_KINDS, Place

__all__ = [
    "ADMIN_KINDS",
    "Candidate",
    "Context",
    "Gazetteer",
    "NameSpan",
    "Resolution",
    "bank_of",
    "haversine_km",
]

_ADMIN_RANK = {"governorate": 0, "district": 1, "subdistrict": 2, "country": 3}
#: Admin kinds that a context cue may name: Arabic (exact keys), English (governorates and
#: districts; sub-districts only when the text says "sub-district").
_AR_CUE_KINDS = AR_CUE_KINDS
#: Two Latin spellings with the same skeleton are the same name when this alike
#: (rapidfuzz ratio of the article-less letters) or of the same vowel shape.
_LATIN_SPELLING_MIN = 80.0
#: Latin names whose skeleton is one letter ("Kuwayyah", "Aya") are indexed under
#: `_SHORT_KEY` + that letter when their plain spelling has at least this many letters.
_SHORT_LATIN_MIN = 4
_SHORT_KEY = "~"
#: Source preference when two entries are the same place (same name, a few km apart).
_SOURCE_RANK = {"ocha": 0, "adm": 1, "geonames": 2, "wof": 3}

#: Longest query we look at; longer input is junk, not a place name.
MAX_QUERY_CHARS = 200
#: Score a candidate needs to be `resolved`, and the lead it needs over the runner-up.
RESOLVE_MIN = 0.75
AMBIGUITY_MARGIN = 0.1
#: Fuzzy matching: rapidfuzz `ratio` cut-offs for Arabic keys and Latin skeletons.
FUZZY_CUTOFF_AR = 82.0
FUZZY_CUTOFF_LATIN = 88.0
#: Two candidates closer than this, matched by the same name, are the same place.
SAME_PLACE_KM = 3.0
#: The `near` cue only counts when some candidate lies within this median distance of the
#: report's other places (a namesake 90 km away is not "the nearby one").
NEAR_MAX_KM = 40.0
#: An admin cue of a text is dropped when at least this many of the text's own villages
#: (`Gazetteer._anchors`) lie outside every unit it names ("reinforcements from the Hasakah
#: countryside" in a report about Deir ez-Zor villages), and they outnumber the times the
#: text names the unit.
ANCHORS_TO_OVERRULE = 2

#: Matches scored against the context, at most (the best by match score).
_MAX_CANDIDATES = 40
#: Entries a memo table of the index keeps before it is emptied.
_MEMO_MAX = 1 << 16
# Tier scores (before context).
_S_EXACT = 1.0
_S_VARIANT = 0.95
_S_STRIPPED = 0.93
_S_QUALIFIER_FALLBACK = 0.8
_S_FUZZY = 0.85
# Context penalties.
_P_ADMIN = 0.3
_P_BBOX = 0.3
_P_BANK = 0.3
_P_NEAR = 0.3
_NEAR_SCALE_KM = 30.0
#: When every candidate is far from the report's places, one outside the governorate most
#: of those places lie in loses this much (a regional cue, weaker than a named unit).
_P_REGION = 0.15
#: Prominence prior: each tier a namesake lies below the most prominent candidate costs
#: this much (so a district seat beats a village of its name by more than the ambiguity
#: margin, a sub-district seat alone does not); capped at `_P_TIER_MAX`.
_P_TIER = 0.06
_P_TIER_MAX = 0.18
#: Matches within this of the best match score compete on prominence.
_PROMINENCE_BAND = 0.05
#: Population (GeoNames) that puts a settlement in prominence tier 3 / 2 / 1.
TIER_POPULATION = (100_000, 20_000, 5_000)

_FEATURE_NORM = frozenset(normalize(w) for w in FEATURE_WORDS) - {"تل", "تله"}
_QUALIFIER_NORM = frozenset(normalize(w) for w in QUALIFIERS)
#: Words that drop from the front of an admin query ("ريف حماة", "محافظة دير الزور").
_ADMIN_PREFIX = frozenset(
    normalize(w) for w in ("ريف", "محافظة", "منطقة", "ناحية", "مدينة", "مركز", "منطقه", "قضاء")
)
_DIRECTIONS_AR = frozenset(
    normalize(w)
    for w in (
        "الشرقي", "الغربي", "الشمالي", "الجنوبي", "الشرقية", "الغربية", "الشمالية",
        "الجنوبية", "الأوسط", "الاوسط",
    )
)
_LATIN_NOISE = frozenset(
    {
        "village", "town", "city", "camp", "of", "the", "neighbourhood", "neighborhood",
        "district", "subdistrict", "sub", "governorate", "province", "countryside", "rural",
        "area", "region", "near", "outskirts", "eastern", "western", "northern", "southern",
        "north", "south", "east", "west", "northeastern", "northwestern", "southeastern",
        "southwestern", "central", "nahiya", "mintaqa", "muhafazat",
    }
)
_LATIN_FEATURE_PREFIX = frozenset({"village", "town", "city", "camp", "of", "the"})

#: Words that are also the names of some village but are far more often something else
#: (function words, news vocabulary, actor names). `spot` never reports them alone.
SPOT_STOPWORDS: frozenset[str] = frozenset(
    normalize(w)
    for w in (
        # function words and prepositions
        "في", "من", "على", "الى", "إلى", "عن", "مع", "بين", "بعد", "قبل", "حتى", "منذ", "عند",
        "نحو", "ضمن", "خلال", "حول", "لدى", "غير", "كل", "بعض", "التي", "الذي", "الذين", "هذه",
        "هذا", "ذلك", "تلك", "كما", "فيما", "حيث", "وسط", "شمال", "جنوب", "شرق", "غرب", "شرقي",
        "غربي", "شمالي", "جنوبي", "الشرق", "الغرب", "الشمال", "الجنوب", "الشرقية", "الغربية",
        "الشمالية", "الجنوبية", "الشرقي", "الغربي", "الشمالي", "الجنوبي", "محيط", "أطراف",
        "اطراف", "قرب", "جانب", "الجانب", "آخر", "اخر", "الأخير", "الاخير", "الأخيرة", "نصف",
        "أكثر", "اكثر", "نحو", "عدة", "عدد", "يوم", "اليوم", "أمس", "امس", "الجاري", "الماضي",
        "الفائت", "المقبل", "العام", "الشهر", "الساعة", "مساء", "صباح", "ليل", "ليلة",
        # actors and their nicknames (several are also village names)
        "قسد", "داعش", "التنظيم", "تنظيم", "الدولة", "الدوله", "النظام", "الجيش", "الهيئة",
        "التحالف", "الحشد", "النصرة", "النصره", "قوات", "عناصر", "مسلحين", "المرصد", "السوري",
        "السورية", "سوريا", "سورية", "العراق", "العراقية", "الإسلامية", "الاسلامية", "الكردية",
        "الديمقراطية", "الديموقراطية", "الأمريكي", "الروسية", "التركية", "حزب", "الله",
        # geography and war vocabulary
        "المنطقة", "منطقة", "الجيب", "جيب", "الريف", "ريف", "البادية", "بادية", "الحدود",
        "النهر", "نهر", "الضفاف", "الضفة", "القرية", "قرية", "البلدة", "بلدة", "المدينة",
        "مدينة", "مخيم", "المخيم", "حي", "الحي", "القطاع", "المحافظة", "محافظة", "مركز",
        "معركة", "المعارك", "هجوم", "اشتباكات", "سيطرة", "السيطرة", "الحصار", "حصار", "مواقع",
        "نقاط", "خطوط", "الجبهة", "جبهة", "القتال", "المدنيين", "مدنيين", "السكان", "النازحين",
        "الخارجين", "شخص", "عنصر", "الطرفين", "الحرب", "الأراضي", "الاراضي", "البلاد",
        "الساحل", "الجزيرة", "الشامية", "وادي", "الوادي", "جسر", "الجسر", "حقل", "تل", "التل",
        "الأمن", "الامن", "السجن", "المستشفى", "منزل", "البلد", "عشيرة", "عشائر", "الحزب",
        "أبو", "ابو", "البو", "بو", "ام", "أم", "عين", "العين", "رأس", "راس", "بئر", "بير",
        "كبير", "صغير", "الكبير", "الصغير", "جديد", "الجديد", "الجديدة", "قديم", "القديمة",
        "فوقاني", "تحتاني", "العليا", "السفلى", "الوسطى",
        # months (Levantine and Gregorian): تشرين is also a village
        "كانون", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين",
        "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
        "أكتوبر", "نوفمبر", "ديسمبر",
        # nationalities and adjectives of news copy
        "عراقية", "عراقي", "العراقي", "العراقية", "روسية", "روسي", "تركية", "تركي", "كردية",
        "كردي", "عربية", "عربي", "إيراني", "إيرانية", "أمريكي", "أمريكية", "لبناني",
        "عنيفة", "العنيفة", "عنيف", "واسعة", "واسع", "كبرى", "دقيقة", "البشرية", "شبه",
        "المقبلة", "بداية", "مطلع", "الكفر", "قرى", "البقعة", "الإشارة", "الاشارة",
        # verbs, particles and personal names that are village names somewhere
        "إلا", "الا", "لا", "لم", "لن", "قد", "او", "أو", "ان", "أن", "إن", "ما", "تحت", "فوق",
        "عليه", "عليها", "خلاله", "فور", "دار", "علم", "بدأ", "لجأ", "جاءت", "جاء", "ظهر",
        "متن", "واسطة", "بواسطة", "بدوره", "دوره", "جوده", "لواء", "عبد", "الرحمن", "رامي", "عدنان",
        "محمد", "أحمد", "علي", "حسن", "حسين", "عمر", "خالد",
    )
) | frozenset(
    form
    for w in (
        # rivers (names of a few villages and neighbourhoods too, far more often the river)
        "الفرات", "دجلة", "العاصي",
        # common nouns that name city neighbourhoods (حي الثورة، حي المحطة ...) or villages
        "الثورة", "البعث", "الوحدة", "الشهداء", "الحرية", "الاستقلال", "النصر", "الجهاد",
        "المحطة", "الصناعة", "الصناعي", "العسكري", "الرياضي", "المحافظة", "السد", "الملعب",
        "الأسد", "الجمهورية", "الكرامة", "النهضة", "التقدم", "التصحيح", "المدارس", "المساكن",
        "المصانع", "المدينة", "الرملية",
        # countries and adverbs that some village is named after
        "تركيا", "لبنان", "الأردن", "إيران", "روسيا", "أمريكا", "مرتين", "مرات",
    )
    for form in (normalize(w), strip_article(normalize(w)))  # with and without the article
)
#: Capitalised English words that are some place's name but mostly something else.
SPOT_STOPWORDS_LATIN: frozenset[str] = frozenset(
    {
        "the", "a", "an", "in", "on", "of", "and", "but", "after", "before", "since", "syria",
        "syrian", "iraq", "iraqi", "turkey", "turkish", "russia", "russian", "iran", "iranian",
        "us", "usa", "american", "sdf", "isis", "isil", "is", "daesh", "ypg", "hts", "saa",
        "islamic", "state", "democratic", "forces", "army", "coalition", "kurdish", "kurds",
        "arab", "arabs", "euphrates", "tigris", "observatory", "human", "rights", "reuters",
        "afp", "ap", "government", "regime", "monday", "tuesday", "wednesday", "thursday",
        "friday", "saturday", "sunday", "january", "february", "march", "april", "may",
        "june", "july", "august", "september", "october", "november", "december", "north",
        "south", "east", "west", "eastern", "western", "northern", "southern", "province",
        "city", "town", "village", "camp", "river", "desert", "badia", "said", "says",
    }
)
_LATIN_ARTICLE_WORDS = frozenset({"al", "el", "as", "ash", "ad", "ar", "az", "at", "an", "ez"})
_LATIN_GAP = re.compile(r"[\s\-'\u2019`]{1,3}")
_SPOT_MIN_CHARS = 3
#: Words that say the next name is a settlement (anchors of `context_from_text`).
_SETTLEMENT_WORDS = frozenset(normalize(w) for w in (
    "قرية", "قريتي", "قريتا", "قرى", "بلدة", "بلدتي", "بلدتا", "بلدات", "مدينة", "مدينتي",
    "مدن", "حي", "أحياء", "حيي", "مخيم", "مزرعة", "بلدتين", "قريتين"))
#: How many names of a list after one settlement word count as named places.
_ANCHOR_LIST = 6
#: "تل X" is a hill, most often beside (and named like) the village X.
_HILL_WORDS = frozenset(normalize(w) for w in ("تل", "تلة", "تله"))
#: Words before a neighbourhood's name that make it one ("حي الصاخور", "أحياء ...").
_NEIGHBOURHOOD_WORDS = frozenset(normalize(w) for w in ("حي", "أحياء", "حيي", "حيا"))
_SPOT_LATIN_RATIO = 88.0
_SPOT_MAX_TOKENS = 5


# ----------------------------------------------------------------------------- value types


@dataclass(frozen=True, slots=True)
class Context:
    """What is known around a mention that helps choose between same-named places.

    Attributes
    ----------
    admin_pcodes
        OCHA admin P-codes named near the mention (``SY09``, ``SY0902``, ``SY090201``);
        places under any of them win.
    near
        ``(lat, lon)`` of other places resolved in the same report; the candidate closest
        to them wins.
    bbox
        A theatre ``(min_lon, min_lat, max_lon, max_lat)``; places inside win.
    bank
        ``"east"``, ``"west"``, ``"north"`` or ``"south"``: places on that bank of `river`
        win (needs the river lines given to `Gazetteer`).
    river
        The river of `bank` (an id of `tracker.banks.load_rivers`: ``euphrates``,
        ``khabur``, ``orontes`` ...); None: each candidate's nearest river.
    """

    admin_pcodes: tuple[str, ...] = ()
    near: tuple[tuple[float, float], ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    bank: str | None = None
    river: str | None = None

    def __post_init__(self) -> None:
        if self.bank is not None and self.bank not in BANKS:
            msg = (f"Context.bank must be one of {', '.join(sorted(BANKS))} or None, "
                   f"got {self.bank!r}")
            raise ValueError(msg)

    @property
    def is_empty(self) -> bool:
        """True when the context carries no cue at all."""
        return not (self.admin_pcodes or self.near or self.bbox or self.bank)

    def merge(self, other: Context | None) -> Context:
        """Both contexts' cues together (`other` wins on bbox and bank when it has them)."""
        if other is None:
            return self
        return Context(
            admin_pcodes=tuple(dict.fromkeys((*self.admin_pcodes, *other.admin_pcodes))),
            near=(*self.near, *other.near),
            bbox=other.bbox or self.bbox,
            bank=other.bank or self.bank,
            river=other.river if other.bank else self.river,
        )

    def with_near(self, places: Iterable[Place]) -> Context:
        """This context plus the positions of `places` as `near` cues."""
        pts = tuple((p.lat, p.lon) for p in places)
        return Context(self.admin_pcodes, (*self.near, *pts), self.bbox, self.bank, self.river)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place that a name may refer to, with a score in [0, 1] and how it matched."""

    place: Place
    score: float
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {**self.place.to_json(), "score": round(self.score, 3), "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Resolution:
    """The outcome of resolving one name: ``resolved``, ``ambiguous`` or ``unresolved``."""

    query: str
    status: str
    place: Place | None
    candidates: tuple[Candidate, ...]
    score: float

    def to_json(self) -> dict[str, Any]:
        """``{"query", "status", "place", "candidates", "score"}`` (the CLI contract)."""
        return {
            "query": self.query,
            "status": self.status,
            "place": self.place.to_json() if self.place else None,
            "candidates": [c.to_json() for c in self.candidates],
            "score": round(self.score, 3),
        }


@dataclass(frozen=True, slots=True)
class NameSpan:
    """A known place name found in a text: ``text[start:end]`` and its index key."""

    start: int
    end: int
    text: str
    key: str


# ----------------------------------------------------------------------------- geometry


#: The one great-circle distance (`tracker.geo.distance_km`), under its older name.
haversine_km = distance_km


#: The bank of a point against one river line (re-exported from `tracker.banks`).
bank_of = _bank_of_point


# ----------------------------------------------------------------------------- helpers


def _keys_of(norm: str) -> set[str]:
    """`name_keys` of an already normalised text, with a shortcut for the common case.

    `name_keys` only adds ``ابو``/``البو`` variants to the plain and article-less forms,
    so names that do not start with such a form skip its work (same result, faster).
    """
    bare = _bare(norm)
    for form in (norm, bare):
        head = form.split(" ", 1)[0]
        if head in _ABU_HEADS or head.startswith(("ابو", "البو")):
            return name_keys(norm)
    return {norm, bare, _bare(bare)} if norm else set()


_ABU_HEADS = frozenset(ABU_FORMS)


def _near_km(p: Place, q: Place, km: float) -> bool:
    """True when two places are within `km` (cheap box test first)."""
    if abs(p.lat - q.lat) > km / 100.0 or abs(p.lon - q.lon) > km / 80.0:
        return False
    return distance_km(p.lat, p.lon, q.lat, q.lon) <= km


def _bare(key: str) -> str:
    """A normalised name with the article dropped from each word."""
    return " ".join(strip_article(w) for w in key.split())


def _source_of(place_id: str) -> str:
    return place_id.split(":", 1)[0]


def _split_arabic(name: str) -> list[str]:
    """The name and its parts: OCHA's "<name> - <sub-district>" and "A / B" forms."""
    out = [name]
    head = re.split(r"\s+-\s*|\s*-\s+", name)[0]
    if head and head != name:
        out.append(head)
    for part in re.split(r"\s*[/\\]\s*", head):
        if part and part not in out:
            out.append(part)
    return out


def _split_latin(name: str) -> list[str]:
    """The name, the name without a parenthesised qualifier, and its "/" alternatives."""
    out = [name]
    bare = re.sub(r"\([^)]*\)", " ", name).strip()
    if bare and bare != name:
        out.append(bare)
    for part in re.split(r"\s*[/\\]\s*", bare or name):
        if part and part not in out:
            out.append(part)
    return out


def _latin_query_key(q: str) -> str:
    words = [w for w in re.split(r"[\s,]+", q.strip().lower()) if w]
    while len(words) > 1 and words[0] in _LATIN_FEATURE_PREFIX:
        words = words[1:]
    return latin_key(" ".join(words))


_LATIN_QUOTES = re.compile("['`\u2018\u2019\u02bb\u02bc\u02be\u02bf]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_LATIN_ARTICLE_RE = re.compile(r"\b(?:al|el|as|ash|ad|ar|az|at|an|ez|es|ed|er|et)\b[\s-]*")


@lru_cache(maxsize=1 << 16)
def _latin_simple(name: str) -> str:
    """Lowercase ASCII letters of a Latin name, articles and punctuation dropped."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _LATIN_QUOTES.sub("", text)
    text = _LATIN_ARTICLE_RE.sub("", text)
    return _NON_ALNUM.sub("", text)


_VOWEL_RUN = re.compile(r"[aeiouy]+")
_FINAL_VOWEL_H = re.compile(r"(?<=[aeiouy])h$")


@lru_cache(maxsize=1 << 14)
def _vowel_shape(simple: str) -> str:
    """Consonants with every vowel run as one mark: "dayrzawr" and "deirzor" -> "dVrzVr".

    Doubled consonants count once and a final h after a vowel is dropped ("Hasakah" =
    "Hasakeh" = "Hasaka"); ``w`` between vowels is a vowel glide ("zawr" = "zor").
    """
    text = re.sub(r"(?<=[aeiou])w(?=[aeiou]|r|$)", "u", simple)
    text = _FINAL_VOWEL_H.sub("", text)
    text = re.sub(r"([^aeiouy])\1+", r"\1", text)
    return _VOWEL_RUN.sub("V", text)


def _latin_spelling_close(a: str, b: str) -> bool:
    """True when two Latin names with the same `latin_key` are spelt alike enough to be
    one name: close letters (`_LATIN_SPELLING_MIN`) or the same vowel shape."""
    sa, sb = _latin_simple(a), _latin_simple(b)
    if not sa or not sb:
        return False
    return fuzz.ratio(sa, sb) >= _LATIN_SPELLING_MIN or _vowel_shape(sa) == _vowel_shape(sb)


@dataclass(frozen=True, slots=True)
class _SpotForm:
    """One proclitic reading of a token for `Gazetteer.spot` (see `proclitic_variants`)."""

    variant: str  # the normalised token with `stripped` proclitic letters removed
    stripped: int
    head: str  # first word of `variant`
    words: int  # words in `variant`
    bare: str  # `variant` with the article dropped from each word
    bare_head: str
    stop: bool  # `variant` is a spot stop word (never a name on its own)


@lru_cache(maxsize=1 << 16)
def _spot_forms(norm: str) -> tuple[_SpotForm, ...]:
    """The proclitic readings of a normalised token, computed once per distinct token."""
    out = []
    for variant, stripped in proclitic_variants(norm):
        bare = _bare(variant)
        out.append(_SpotForm(variant, stripped, variant.split(" ", 1)[0], variant.count(" ") + 1,
                             bare, bare.split(" ", 1)[0], variant in SPOT_STOPWORDS))
    return tuple(out)


@lru_cache(maxsize=1 << 16)
def _bare_word(norm: str) -> str:
    """`_bare` of a normalised token (cached: tokens recur across reports)."""
    return _bare(norm)


def _surface_offset(surface: str, n_letters: int) -> int:
    """Index in `surface` after its first `n_letters` letters (their diacritics included)."""
    if n_letters <= 0:
        return 0
    seen = 0
    for i, ch in enumerate(surface):
        if normalize(ch):
            seen += 1
            if seen == n_letters:
                j = i + 1
                while j < len(surface) and not normalize(surface[j]):
                    j += 1
                return j
    return len(surface)


def _prominence(places: Sequence[Place]) -> list[int]:
    """Prominence tier of every place: 3 = a governorate seat (a settlement whose own
    name is its governorate's: حلب, دير الزور) or `TIER_POPULATION` [0] people; 2 = a district seat
    (عفرين, الباب, منبج) or [1]; 1 = a sub-district seat or [2]; 0 = any other
    settlement. Admin units get 3/2/1 by level, so the prior never moves them."""
    unit_keys: dict[str, set[str]] = {}
    for p in places:
        if p.kind in ADMIN_KINDS and p.place_id.startswith("adm:"):
            keys: set[str] = set()
            for n in p.names:
                if is_arabic(n):
                    norm = normalize(n)
                    keys |= _keys_of(norm)
                    words = norm.split()
                    if len(words) > 1 and words[0] in _ADMIN_PREFIX:
                        keys |= _keys_of(" ".join(words[1:]))
                else:
                    keys.add("latin:" + latin_key(n))
            unit_keys[p.place_id[4:]] = keys
    level_tier = {"governorate": 3, "district": 2, "subdistrict": 1, "country": 3}
    out = []
    for p in places:
        if p.kind in ADMIN_KINDS:
            out.append(level_tier.get(p.kind, 0))
            continue
        pop = p.population or 0
        tier = next((3 - k for k, lim in enumerate(TIER_POPULATION) if pop >= lim), 0)
        own: set[str] = set()  # its own names only: an alias may be a neighbour's name
        if p.name_ar:
            own |= _keys_of(normalize(p.name_ar))
        if p.name_en:
            own.add("latin:" + latin_key(p.name_en))
        for level, code in zip((3, 2, 1), p.admin_pcodes, strict=True):
            if level > tier and code and own & unit_keys.get(code, set()):
                tier = level
        out.append(tier)
    return out


# ----------------------------------------------------------------------------- the index


class Gazetteer:
    """An in-memory index over places for resolution, search and spotting.

    Parameters
    ----------
    places
        The entries. Ids must be unique (a later duplicate id is ignored).
    river
        Optional Euphrates line (shapely LineString/MultiLineString or ``(lon, lat)``
        sequences); the same as ``rivers={"euphrates": river}``.
    rivers
        River lines by id of the river table (`tracker.banks.load_rivers`), used to decide
        `Context.bank` and `bank_of`. Without any, bank cues are ignored.
    description
        What this index is (shown by ``tracker gazetteer info``).
    """

    def __init__(
        self, places: Iterable[Place], *, river: Any = None,
        rivers: Mapping[str, Any] | None = None, description: str = ""
    ) -> None:
        self._places: list[Place] = []
        self._by_id: dict[str, int] = {}
        for p in places:
            if p.place_id in self._by_id:
                continue
            self._by_id[p.place_id] = len(self._places)
            self._places.append(p)
        lines = dict(rivers or {})
        if river is not None:
            lines.setdefault("euphrates", river)
        table = load_rivers()
        #: River lines with banks, by id (a lake or an unknown id has none).
        self.rivers: dict[str, Any] = {k: v for k, v in lines.items() if v is not None and (
            k not in table or table[k].has_banks)}
        self._river_labels = {k: river_labels(table.get(k)) for k in self.rivers}
        self._river_flow = {k: (table[k].downstream if k in table else "SE")
                            for k in self.rivers}
        self.description = description
        self._ar: dict[str, dict[int, float]] = {}
        self._lat: dict[str, dict[int, float]] = {}
        self._admin_ar: dict[str, list[int]] = {}
        self._admin_lat: dict[str, list[int]] = {}
        self._latin_parts: dict[int, list[str]] = {}
        # The fuzzy tier compares article-less forms of the names as written (not every
        # indexed variant), which keeps its key list short.
        self._fz_ar: dict[str, dict[int, float]] = {}
        for i, p in enumerate(self._places):
            self._index_place(i, p)
        self._ar_sorted = sorted(self._fz_ar, key=len)
        self._ar_lens = [len(k) for k in self._ar_sorted]
        self._lat_sorted = sorted(self._lat, key=len)
        self._lat_lens = [len(k) for k in self._lat_sorted]
        self._max_words = max((k.count(" ") + 1 for k in self._ar), default=1)
        self._spot_keys = {
            k for k in self._ar if len(k.replace(" ", "")) >= _SPOT_MIN_CHARS
            and k not in SPOT_STOPWORDS
        }
        # first word of every spot key -> the most words a spot key starting with it has
        self._spot_first: dict[str, int] = {}
        for k in self._spot_keys:
            head, n_words = k.split(" ", 1)[0], k.count(" ") + 1
            if n_words > self._spot_first.get(head, 0):
                self._spot_first[head] = n_words
        # bank of every place for each river, and its distance to it: on the first bank cue
        self._banks: dict[str, list[str | None]] | None = None
        self._river_km: dict[str, np.ndarray] = {}
        self._tiers = _prominence(self._places)
        self._nbhd_cities = self._neighbourhood_words()
        self._reset_caches()

    def _neighbourhood_words(self) -> dict[str, frozenset[str]]:
        """One-word spot keys that only city neighbourhoods bear ("الصاخور", "الثورة"),
        each with the names of the cities (governorate, district) they lie in: `spot`
        reports them only after "حي"/"أحياء" or in a text that names one of the cities."""
        out: dict[str, frozenset[str]] = {}
        for key in self._spot_keys:
            if " " in key:
                continue
            idx = self._ar[key]
            if not all(self._places[i].kind == "neighbourhood" for i in idx):
                continue
            cities: set[str] = set()
            for i in idx:
                for code in self._places[i].admin_pcodes[:2]:
                    j = self._by_id.get(f"adm:{code}")
                    if j is not None and self._places[j].name_ar:
                        norm = normalize(self._places[j].name_ar)
                        cities |= {norm, _bare(norm)}
            out[key] = frozenset(c for c in cities if c)
        return out

    def _neighbourhood_ok(self, key: str, norms: Sequence[str], i: int, joined: str) -> bool:
        """True when the one-word neighbourhood name `key` at token `i` is meant as one."""
        if i > 0 and any(v in _NEIGHBOURHOOD_WORDS for v, _ in proclitic_variants(norms[i - 1])):
            return True
        return any(f" {city} " in joined for city in self._nbhd_cities[key])

    @property
    def river(self) -> Any:
        """The Euphrates line (None when the index has none)."""
        return self.rivers.get("euphrates")

    def precompute(self) -> None:
        """Compute what is otherwise computed on first use (the river bank of every place),
        so that a pickled index carries it."""
        self._ensure_banks()

    def _reset_caches(self) -> None:
        """(Re)create the memo tables that are not part of the index itself."""
        self._admin_cache: dict[tuple[str, frozenset[str]], tuple[str, ...]] = {}
        self._latin_simple_cache: dict[int, list[str]] = {}
        self._bucket_cache: dict[int, dict[str, tuple[list[str], list[int]]]] = {}
        self._anchor_cache: dict[str, int | None] = {}
        self._gov_cache: dict[tuple[float, float], str] = {}
        self._gov_shapes: list[tuple[str, Any]] | None = None
        self._last_spot: tuple[str, tuple[NameSpan, ...]] | None = None  # text, its names
        self._lookup = lru_cache(maxsize=65536)(self._lookup_uncached)
        self._reach_cache: dict[str, int] = {}  # token norm -> `_reach`
        self._dist_memo: dict[tuple[int, float, float], float] = {}
        self._latin_window_cache: dict[str, tuple[tuple[int, str] | None]] = {}
        # matches -> candidates merged and ranked by prominence (before any context)
        self._ranked_cache: dict[tuple[tuple[int, float, str], ...],
                                 list[tuple[Place, float, str, int]]] = {}
        # (a context's near points, place index -> median distance to them)
        self._near_memo: tuple[tuple[tuple[float, float], ...], dict[int, float]] | None = None
        # a context's near points -> the governorate most of them lie in
        self._region_memo: dict[tuple[tuple[float, float], ...], str] = {}

    #: Attributes left out of a pickle (memo tables, rebuilt empty on unpickling).
    _TRANSIENT = ("_admin_cache", "_latin_simple_cache", "_bucket_cache", "_anchor_cache",
                  "_lookup", "_gov_cache", "_gov_shapes", "_last_spot", "_ranked_cache",
                  "_near_memo", "_region_memo", "_reach_cache", "_dist_memo",
                  "_latin_window_cache")

    def __getstate__(self) -> dict[str, Any]:
        """The index without its memo tables (`tracker.gazetteer_io` caches it compiled)."""
        state = dict(self.__dict__)
        for name in self._TRANSIENT:
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._reset_caches()

    # ------------------------------------------------------------------ building

    def _index_place(self, i: int, p: Place) -> None:
        for name in p.names:
            if is_arabic(name):
                for part in _split_arabic(name):
                    direct = normalize(part)
                    bare = _bare(direct)
                    if bare:
                        self._fz_ar.setdefault(bare, {})[i] = _S_EXACT
                    for key in _keys_of(direct):
                        q = _S_EXACT if key == direct else _S_VARIANT
                        slot = self._ar.setdefault(key, {})
                        slot[i] = max(slot.get(i, 0.0), q)
                        if p.kind in ADMIN_KINDS:
                            self._add_admin(self._admin_ar, key, i)
                            words = key.split()
                            if len(words) > 1 and words[0] in _ADMIN_PREFIX:
                                self._add_admin(self._admin_ar, " ".join(words[1:]), i)
            else:
                for part in _split_latin(name):
                    self._latin_parts.setdefault(i, []).append(part)
                    key = latin_key(part)
                    if len(key) < 2:
                        if len(_latin_simple(part)) < _SHORT_LATIN_MIN:
                            continue
                        key = _SHORT_KEY + key  # "Kuwayyah": a skeleton of one letter
                    slot = self._lat.setdefault(key, {})
                    slot[i] = max(slot.get(i, 0.0), _S_EXACT)
                    if p.kind in ADMIN_KINDS:
                        self._add_admin(self._admin_lat, key, i)

    @staticmethod
    def _add_admin(index: dict[str, list[int]], key: str, i: int) -> None:
        slot = index.setdefault(key, [])
        if i not in slot:
            slot.append(i)

    # ------------------------------------------------------------------ container protocol

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places)

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._by_id

    @property
    def places(self) -> tuple[Place, ...]:
        """Every entry, in index order."""
        return tuple(self._places)

    def get(self, place_id: str) -> Place:
        """The place with this id.

        Raises
        ------
        UnknownPlaceError
            When no entry has the id.
        """
        i = self._by_id.get(place_id)
        if i is None:
            raise UnknownPlaceError(place_id)
        return self._places[i]

    def bank_of(self, place_id: str, river: str | None = "euphrates") -> str | None:
        """The bank of a river a place lies on: ``"east"``/``"west"`` (``"north"``/
        ``"south"`` for a river flowing west or east), or None.

        The bank of the place's point (for an admin unit, its representative point)
        against the line of `river` (an id of the river table; default the Euphrates,
        whose left bank going downstream is ``"east"``, الجزيرة, and right bank
        ``"west"``, الشامية); ``river=None``: the nearest river. None when the index has
        no such line or the place lies more than `BANK_MAX_KM` from it. Computed for every
        place at once on the first call, then a list look-up. Use it to scope statements
        such as "the last pocket east of the Euphrates" to the places of one bank.

        Raises
        ------
        UnknownPlaceError
            When no entry has the id.
        """
        i = self._by_id.get(place_id)
        if i is None:
            raise UnknownPlaceError(place_id)
        if not self.rivers:
            return None
        return self._bank(i, river)

    def is_known_name(self, name: str) -> bool:
        """True when `name` (Arabic, normalised any way) is an indexed key."""
        return any(k in self._ar for k in name_keys(name)) if name else False

    # ------------------------------------------------------------------ lookup

    def _lookup_uncached(self, q: str) -> tuple[tuple[int, float, str], ...]:
        """Context-free matches of a normalised query: ``(index, base score, reason)``."""
        if is_arabic(q):
            return self._lookup_arabic(q)
        return self._lookup_latin(q)

    def _exact_ar(self, text: str, factor: float, reason: str) -> dict[int, tuple[float, str]]:
        out: dict[int, tuple[float, str]] = {}
        direct = normalize(text)
        for key in _keys_of(direct):
            hits = self._ar.get(key)
            if not hits:
                continue
            qk = 1.0 if key == direct else _S_VARIANT
            for i, s in hits.items():
                score = min(s, qk) * factor
                if score > out.get(i, (0.0, ""))[0]:
                    why = reason if score >= factor else f"{reason}-variant"
                    out[i] = (score, why)
        return out

    @staticmethod
    def _stripped_forms(words: list[str]) -> list[list[str]]:
        """The query without leading feature words and/or a proclitic on its first word."""
        stripped: list[list[str]] = []
        ws = list(words)
        while len(ws) > 1 and any(v in _FEATURE_NORM for v, _ in proclitic_variants(ws[0])):
            ws = ws[1:]
            stripped.append(list(ws))
        for cand in [words, *stripped]:
            for v, n in proclitic_variants(cand[0]):
                if n == 0 and cand is words:
                    continue
                stripped.append([v, *cand[1:]])
        return stripped

    def _lookup_arabic(self, q: str) -> tuple[tuple[int, float, str], ...]:
        words = q.split()
        # tier 1: the whole name
        found = self._exact_ar(q, 1.0, "exact")
        # tier 2: feature words off the front, proclitics off the first word
        stripped = self._stripped_forms(words) if not found else []
        if not found:
            for ws2 in stripped:
                hits = self._exact_ar(" ".join(ws2), _S_STRIPPED, "stripped")
                for i, sv in hits.items():
                    if sv[0] > found.get(i, (0.0, ""))[0]:
                        found[i] = sv
        # tier 3: "X تحتاني" -> X when only X exists (also after tier-2 stripping)
        if not found and len(words) > 1 and words[-1] in _QUALIFIER_NORM:
            for ws3 in [words, *stripped]:
                if len(ws3) < 2:
                    continue
                hits = self._exact_ar(" ".join(ws3[:-1]), _S_QUALIFIER_FALLBACK,
                                      "qualifier-fallback")
                for i, sv in hits.items():
                    if sv[0] > found.get(i, (0.0, ""))[0]:
                        found[i] = sv
        # tier 3b: "تل X" (a hill) -> the village X beside it, when no hill is known
        if not found and len(words) > 1 and words[0] in _HILL_WORDS:
            hits = self._exact_ar(" ".join(words[1:]), _S_QUALIFIER_FALLBACK, "hill-of")
            found.update(hits)
        if found:
            return tuple((i, s, why) for i, (s, why) in found.items())
        # tier 4: fuzzy
        return self._fuzzy(_bare(q), self._fz_ar, self._ar_sorted, self._ar_lens,
                           FUZZY_CUTOFF_AR, words)

    def _lookup_latin(self, q: str) -> tuple[tuple[int, float, str], ...]:
        key = _latin_query_key(q)
        simple = _latin_simple(q)
        short = len(key) < 2
        if short:
            # A name of vowels and glides ("Kuwayah") has a skeleton of one letter: only
            # names of that skeleton spelt alike (`_LATIN_SPELLING_MIN`) are candidates.
            if len(simple) < _SHORT_LATIN_MIN:
                return ()
            key = _SHORT_KEY + key
        hits = self._lat.get(key)
        reason = "latin"
        if short:
            hits = {i: s for i, s in (hits or {}).items()
                    if max((fuzz.ratio(simple, n) for n in self._latin_names(i)), default=0.0)
                    >= _LATIN_SPELLING_MIN}
            if not hits:
                return ()
        if not hits:
            fuzzy = self._fuzzy(key, self._lat, self._lat_sorted, self._lat_lens,
                                FUZZY_CUTOFF_LATIN, None)
            hits = {i: s for i, s, _ in fuzzy}
            reason = "latin-fuzzy"
        # Skeletons are lossy ("Sousa" ~ "Sa'sa'"): rank by how close the spelling is.
        out = []
        for i, s in hits.items():
            best = max((fuzz.ratio(simple, n) for n in self._latin_names(i)), default=0.0)
            score = s * (1.0 if best == 100 else 0.6 + 0.3 * best / 100.0)
            out.append((i, score, f"{reason}:{best:.0f}"))
        return tuple(out)

    def _latin_names(self, i: int) -> list[str]:
        names = self._latin_simple_cache.get(i)
        if names is None:
            names = list(dict.fromkeys(_latin_simple(part)
                                       for part in self._latin_parts.get(i, ())))
            self._latin_simple_cache[i] = names
        return names

    def _fuzzy(
        self,
        key: str,
        index: dict[str, dict[int, float]],
        sorted_keys: list[str],
        lens: list[int],
        cutoff: float,
        words: list[str] | None,
    ) -> tuple[tuple[int, float, str], ...]:
        import bisect

        n = len(key)
        if n < 3:
            return ()
        # ratio = 2M / (la + lb) >= c  needs  lb within [n * c / (2 - c), n * (2 - c) / c]
        c = cutoff / 100.0
        len_lo, len_hi = math.floor(n * c / (2 - c)), math.ceil(n * (2 - c) / c)
        # Most misspellings keep the first letter: look among the keys that share it
        # first, and scan every key of a compatible length only when that finds nothing.
        matches: list[tuple[str, float, int]] = []
        bucket = self._buckets(id(sorted_keys), sorted_keys).get(key[0], ([], []))
        for keys_, klens in (bucket, (sorted_keys, lens)):
            lo = bisect.bisect_left(klens, len_lo)
            hi = bisect.bisect_right(klens, len_hi)
            if lo < hi:
                matches = process.extract(
                    key, keys_[lo:hi], scorer=fuzz.ratio, score_cutoff=cutoff, limit=20
                )
            if matches:
                break
        qual = words[-1] if words and words[-1] in _QUALIFIER_NORM else None
        out: dict[int, tuple[float, str]] = {}
        for choice, ratio, _ in matches:
            if qual is not None:
                last = choice.split()[-1]
                if last in _QUALIFIER_NORM and last != qual:
                    continue  # "X فوقاني" is not "X تحتاني"
            score = _S_FUZZY * ratio / 100.0
            for i in index[choice]:
                if score > out.get(i, (0.0, ""))[0]:
                    out[i] = (score, f"fuzzy:{ratio:.0f}")
        return tuple((i, s, why) for i, (s, why) in out.items())

    def _buckets(
        self, list_id: int, sorted_keys: list[str]
    ) -> dict[str, tuple[list[str], list[int]]]:
        """Keys of `sorted_keys` by first letter, each group sorted by length, with lengths."""
        got = self._bucket_cache.get(list_id)
        if got is None:
            got = {}
            for k in sorted_keys:
                keys_, lens_ = got.setdefault(k[0], ([], []))
                keys_.append(k)
                lens_.append(len(k))
            self._bucket_cache[list_id] = got
        return got

    # ------------------------------------------------------------------ scoring

    def _ensure_banks(self) -> dict[str, list[str | None]]:
        if self._banks is None:
            pts = [(p.lat, p.lon) for p in self._places]
            self._banks = {}
            for key, line in self.rivers.items():
                banks, km = banks_of_all(pts, river_segments(line, self._river_flow[key]),
                                         labels=self._river_labels[key])
                self._banks[key], self._river_km[key] = banks, km
        return self._banks

    def _bank(self, i: int, river: str | None = "euphrates") -> str | None:
        """The bank of place `i` of `river` (None: of the nearest river)."""
        banks = self._ensure_banks()
        if river is not None:
            got = banks.get(river)
            return got[i] if got is not None else None
        near = min(banks, key=lambda k: self._river_km[k][i], default=None)
        return banks[near][i] if near is not None else None

    def _governorate_of_points(self, points: Sequence[tuple[float, float]]) -> str:
        """The P-code of the governorate holding more than half of `points` ('' if none)."""
        govs = self._governorate_shapes()
        if not govs or not points:
            return ""
        counts: dict[str, int] = {}
        for la, lo in points:
            key = (round(la, 4), round(lo, 4))
            code = self._gov_cache.get(key)
            if code is None:
                pt = Point(lo, la)
                code = next((c for c, g in govs if g.covers(pt)), "")
                self._gov_cache[key] = code
            if code:
                counts[code] = counts.get(code, 0) + 1
        best = max(counts.items(), key=lambda kv: kv[1], default=("", 0))
        return best[0] if best[1] * 2 > len(points) else ""

    def _region_of(self, near: Sequence[tuple[float, float]]) -> str:
        """`_governorate_of_points`, kept per tuple of points (a report asks again and again)."""
        try:
            got = self._region_memo.get(near) if type(near) is tuple else None
        except TypeError:  # points that are not tuples: not kept
            return self._governorate_of_points(near)
        if got is None:
            got = self._governorate_of_points(near)
            if type(near) is tuple:
                if len(self._region_memo) > _MEMO_MAX:
                    self._region_memo.clear()
                self._region_memo[near] = got
        return got

    def _governorate_shapes(self) -> list[tuple[str, Any]]:
        shapes = getattr(self, "_gov_shapes", None)
        if shapes is None:
            shapes = [(p.place_id[4:], p.geometry) for p in self._places
                      if p.kind == "governorate" and p.geometry is not None]
            self._gov_shapes = shapes
        return shapes

    def _in_admin(self, p: Place, pcodes: Sequence[str]) -> bool:
        own = [c for c in p.admin_pcodes if c]
        if p.place_id.startswith("adm:"):
            own.append(p.place_id[4:])
        return any(c.startswith(pc) for c in own for pc in pcodes if pc)

    def _score(
        self, hits: Sequence[tuple[int, float, str]], ctx: Context | None
    ) -> list[Candidate]:
        key = tuple(hits)
        cands = self._ranked_cache.get(key)
        if cands is None:  # the context-free part depends on the matches alone
            cands = [(self._places[i], s, why, i) for i, s, why in hits]
            if len(cands) > _MAX_CANDIDATES:
                cands.sort(key=lambda c: -c[1])
                cands = cands[:_MAX_CANDIDATES]
            cands = self._prefer_prominent(self._collapse(cands))
            if len(self._ranked_cache) > _MEMO_MAX:
                self._ranked_cache.clear()
            self._ranked_cache[key] = cands
        if ctx is None or ctx.is_empty:
            out = [Candidate(p, s, why) for p, s, why, _ in cands]
        else:
            near_d: list[float] = []
            if ctx.near:
                # the median distance of a place to the context's places, kept while the
                # same context is scored (one report's mentions)
                memo = self._near_memo
                if memo is None or memo[0] is not ctx.near:
                    memo = (ctx.near, {})
                    if type(ctx.near) is tuple:  # immutable: the same object, the same points
                        self._near_memo = memo
                medians = memo[1]
                dist = self._dist_memo  # (place, lat, lon) -> km: a report's points recur
                if len(dist) > _MEMO_MAX:
                    dist.clear()
                for p, _s, _why, i in cands:
                    d = medians.get(i)
                    if d is None:
                        try:
                            ds = []
                            for la, lo in ctx.near:
                                km = dist.get((i, la, lo))
                                if km is None:
                                    km = dist[(i, la, lo)] = distance_km(p.lat, p.lon, la, lo)
                                ds.append(km)
                            ds.sort()
                        except TypeError:  # points that cannot be kept: computed afresh
                            ds = sorted(distance_km(p.lat, p.lon, la, lo) for la, lo in ctx.near)
                        d = medians[i] = ds[len(ds) // 2]
                    near_d.append(d)
            # Nearness chooses between namesakes: when the name matches some places
            # exactly, distances count from the nearest of those, so a near misspelling
            # ("Masikan" for "Maskanah") never outranks the exact namesake for being near.
            exact_d = [d for d, c in zip(near_d, cands, strict=False) if _is_exact(c[2])]
            dmin = min(exact_d or near_d) if near_d else 0.0
            region = ""
            if dmin > NEAR_MAX_KM:
                near_d = []  # every candidate is far from the report's places: no cue
                # ... but the governorate most of them lie in is still a regional cue
                region = self._region_of(ctx.near)
            # A cue only counts when some candidate meets it: a report about Deir ez-Zor
            # that names Hama still means the one Hama.
            in_admin = [bool(ctx.admin_pcodes) and self._in_admin(p, ctx.admin_pcodes)
                        for p, *_ in cands]
            in_bbox = [ctx.bbox is not None and _in_bbox(p, ctx.bbox) for p, *_ in cands]
            banks = [self._bank(i, ctx.river) if ctx.bank and self.rivers else None
                     for *_, i in cands]
            use_admin, use_bbox = any(in_admin), any(in_bbox)
            in_region = [bool(region) and self._in_admin(p, (region,)) for p, *_ in cands]
            use_region = not use_admin and any(in_region) and not all(in_region)
            use_bank = ctx.bank is not None and ctx.bank in banks
            out = []
            for k, (p, s, why, _i) in enumerate(cands):
                notes = [why]
                if use_admin:
                    if in_admin[k]:
                        notes.append("in-admin")
                    else:
                        s -= _P_ADMIN
                if use_bbox:
                    if in_bbox[k]:
                        notes.append("in-bbox")
                    else:
                        s -= _P_BBOX
                if use_region:
                    if in_region[k]:
                        notes.append("in-region")
                    else:
                        s -= _P_REGION
                if use_bank:
                    if banks[k] == ctx.bank:
                        notes.append(f"{ctx.bank}-bank")
                    elif banks[k] is not None:
                        s -= _P_BANK
                if near_d:
                    s -= _P_NEAR * min(1.0, max(0.0, near_d[k] - dmin) / _NEAR_SCALE_KM)
                    notes.append(f"near:{near_d[k]:.0f}km")
                out.append(Candidate(p, max(0.0, s), "+".join(notes)))
            theatre = [(use_admin and in_admin[k]) or (use_bbox and in_bbox[k])
                       for k in range(len(cands))]
            out = _exact_beats_fuzzy(out, theatre)
        out.sort(key=lambda c: (-c.score, _SOURCE_RANK.get(_source_of(c.place.place_id), 9),
                                c.place.place_id))
        return out

    def _prefer_prominent(
        self, cands: list[tuple[Place, float, str, int]]
    ) -> list[tuple[Place, float, str, int]]:
        """The prominence prior (`_prominence`): among the best matches (exact ones, or
        equally close spellings within `_PROMINENCE_BAND`), each tier below the most
        prominent one costs `_P_TIER` (at most `_P_TIER_MAX`), so that "عفرين" alone is the
        town of Afrin, not a hamlet of its name; a context cue (0.3) outweighs it."""
        if len(cands) < 2:
            return cands
        best = max(s for _p, s, _w, _i in cands)
        band = [k for k, c in enumerate(cands) if best - c[1] <= _PROMINENCE_BAND + 1e-9
                and (_is_exact(c[2]) or not _is_exact(cands[0][2]))]
        tiers = [self._tiers[cands[k][3]] for k in band]
        if len(band) < 2 or max(tiers) == min(tiers):
            return cands
        top = max(tiers)
        in_band = set(band)
        out = []
        for k, (p, s, why, i) in enumerate(cands):
            gap = top - self._tiers[i]
            if k not in in_band:
                out.append((p, s, why, i))
            elif gap > 0:
                out.append((p, s - min(_P_TIER_MAX, _P_TIER * gap), f"{why}+less-prominent", i))
            else:
                out.append((p, s, f"{why}+prominent", i))
        return out

    def _collapse(
        self, cands: list[tuple[Place, float, str, int]]
    ) -> list[tuple[Place, float, str, int]]:
        """Merge entries that are one place: same name within a few km, or an admin unit
        named like a settlement that lies inside it (the settlement stays)."""
        cands = sorted(
            cands,
            key=lambda c: (-c[1], c[0].kind in ADMIN_KINDS,
                           _SOURCE_RANK.get(_source_of(c[0].place_id), 9), c[0].place_id),
        )
        kept: list[tuple[Place, float, str, int]] = []
        for c in cands:
            p = c[0]
            p_admin = p.kind in ADMIN_KINDS
            own = ((p.place_id[4:],) if p.place_id.startswith("adm:")
                   else tuple(x for x in p.admin_pcodes if x)[-1:]) if p_admin and kept else ()
            dup = False
            for k in kept:
                q = k[0]
                q_admin = q.kind in ADMIN_KINDS
                if p_admin and not q_admin and self._in_admin(q, own):
                    dup = True
                    break
                if p_admin == q_admin and _near_km(p, q, SAME_PLACE_KM):
                    dup = True
                    break
            if not dup:
                kept.append(c)
        return kept

    # ------------------------------------------------------------------ public queries

    def candidates(
        self, name: str, context: Context | None = None, *, limit: int = 10
    ) -> list[Candidate]:
        """Places `name` may refer to, best first, scored against `context`.

        Never raises: empty, junk or over-long input gives an empty list.
        """
        try:
            if not isinstance(name, str) or len(name) > MAX_QUERY_CHARS:
                return []
            q = normalize(name)
            if not q or len(q.replace(" ", "")) < 2:
                return []
            unit = self._unit_hits(name, q)
            hits = unit if unit else self._lookup(q)
            if not hits and "(" in name:
                # "T4 (Tiyas airbase)", "Sheikh Maqsoud (Aleppo)": the name outside the
                # brackets, else the one inside.
                outside = re.sub(r"\([^)]*\)?", " ", name).strip()
                inside = " ".join(re.findall(r"\(([^)]*)\)?", name)).strip()
                for part in (outside, inside):
                    if part and part != name:
                        hits = self._lookup(normalize(part)) if normalize(part) else ()
                        if hits:
                            break
            return self._score(hits, context)[: max(0, limit)]
        except (ValueError, TypeError, KeyError, IndexError):  # pragma: no cover - defensive
            return []

    def resolve(self, name: str, context: Context | None = None) -> Resolution:
        """Resolve one name: one clear winner, several close ones, or none.

        ``resolved`` needs a score of at least `RESOLVE_MIN` and a lead of
        `AMBIGUITY_MARGIN` over the runner-up; ``ambiguous`` lists the close candidates;
        ``unresolved`` lists any weak candidates as suggestions. Never raises.
        """
        cands = self.candidates(name, context, limit=10)
        query = name if isinstance(name, str) else str(name)
        if not cands:
            return Resolution(query, "unresolved", None, (), 0.0)
        top = cands[0]
        if top.score < RESOLVE_MIN:
            return Resolution(query, "unresolved", None, tuple(cands[:5]), top.score)
        close = [c for c in cands if top.score - c.score < AMBIGUITY_MARGIN]
        if len(close) == 1:
            return Resolution(query, "resolved", top.place, tuple(cands[:5]), top.score)
        shown = [c for c in cands if c.score >= RESOLVE_MIN - AMBIGUITY_MARGIN]
        return Resolution(query, "ambiguous", None, tuple(shown[:10]), top.score)

    def resolve_many(
        self, names: Sequence[str], context: Context | None = None
    ) -> list[Resolution]:
        """Resolve the place names of one report together.

        A first pass resolves each name with `context`; a second pass resolves every name
        again with the other names' resolved places added as `near` cues, so that the
        places of one report pull each other's namesakes together. Never raises.
        """
        base = context or Context()
        first = [self.resolve(n, base) for n in names]
        out = []
        for k, name in enumerate(names):
            others = [r.place for j, r in enumerate(first) if j != k and r.place is not None
                      and r.place.kind not in ADMIN_KINDS]
            out.append(self.resolve(name, base.with_near(others)) if others else first[k])
        return out

    def resolve_strict(self, name: str, context: Context | None = None) -> Place:
        """The place `name` resolves to.

        Raises
        ------
        UnknownPlaceError
            When nothing matches well enough.
        AmbiguousPlaceError
            When several places match and the context does not decide.
        """
        if isinstance(name, str) and name in self._by_id:
            return self._places[self._by_id[name]]
        r = self.resolve(name, context)
        ids = tuple(c.place.place_id for c in r.candidates)
        if r.status == "resolved" and r.place is not None:
            return r.place
        if r.status == "ambiguous":
            raise AmbiguousPlaceError(name, ids)
        raise UnknownPlaceError(name, ids)

    def search(self, text: str, *, limit: int = 10) -> list[Candidate]:
        """Exact and fuzzy matches for `text`, best first (for ``tracker gazetteer search``)."""
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_QUERY_CHARS:
            return []
        q = normalize(text)
        if not q:
            return []
        hits = {i: (s, why) for i, s, why in self._lookup(q)}
        if is_arabic(q):
            key, keys, index = _bare(q), self._ar_sorted, self._fz_ar
        else:
            key, keys, index = _latin_query_key(q), self._lat_sorted, self._lat
        if len(key) >= 2:
            # WRatio also scores a part of a longer name ("باغوز" in "الباغوز فوقاني").
            for choice, ratio, _ in process.extract(
                key, keys, scorer=fuzz.WRatio, score_cutoff=75.0, limit=limit * 3
            ):
                if 2 * len(choice) < len(key):
                    continue  # a short name inside a long query is no match for it
                for i in index[choice]:
                    score = _S_FUZZY * ratio / 100.0
                    if score > hits.get(i, (0.0, ""))[0]:
                        hits[i] = (score, f"search:{ratio:.0f}")
        scored = [Candidate(self._places[i], s, why) for i, (s, why) in hits.items()]
        scored.sort(key=lambda c: (-c.score, c.place.place_id))
        return scored[: max(0, limit)]

    def _unit_hits(self, name: str, q: str) -> tuple[tuple[int, float, str], ...]:
        """Admin units a query names as a unit ("منطقة عفرين", "ناحية الباب", "ريف منبج",
        "Afrin district", "Idlib province"): the word before or after the name says which
        level (`UNIT_WORDS_AR` / `UNIT_WORDS_EN`); () when the query is no such phrase or
        no unit of that level has the name (then it is looked up as a place name)."""
        got = unit_phrase(name)
        if got is None:
            return ()
        kinds, unit = got
        if is_arabic(unit):
            rest = unit.split()
            while len(rest) > 1 and rest[-1] in _DIRECTIONS_AR:
                rest = rest[:-1]
            found = [i for key in name_keys(" ".join(rest)) for i in self._admin_ar.get(key, ())]
        else:
            found = [i for i in self._admin_lat.get(latin_key(unit), ())
                     if any(_latin_spelling_close(unit, n) for n in self._latin_parts.get(i, ()))]
        ranked = sorted({i for i in found if self._places[i].kind in kinds},
                        key=lambda i: (kinds.index(self._places[i].kind),
                                       self._places[i].place_id))
        if not ranked:
            return ()
        best = kinds.index(self._places[ranked[0]].kind)
        return tuple((i, _S_EXACT, f"unit:{self._places[i].kind}") for i in ranked
                     if kinds.index(self._places[i].kind) == best)

    def find_unit(self, name: str) -> Place | None:
        """The admin unit `name` names, at the level a unit word says ("منطقة عفرين" the
        district, "ناحية عفرين" the sub-district, "Afrin district"); else as `find_admin`
        (a governorate before a district before a sub-district of the same name)."""
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_QUERY_CHARS:
            return None
        hits = self._unit_hits(name, normalize(name))
        if hits:
            return self._places[hits[0][0]]
        return self.find_admin(name)

    def find_admin(self, name: str) -> Place | None:
        """The admin unit called `name` ("دير الزور", "Deir ez-Zor", "ريف حماة", "SY09").

        Governorates win over districts over sub-districts of the same name. Leading
        "ريف"/"محافظة"/"ناحية" and trailing directions ("الشمالي الشرقي") are ignored.
        """
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_QUERY_CHARS:
            return None
        raw = name.strip()
        if re.fullmatch(r"SY\d{2}(\d{2}){0,2}", raw.upper()):
            i = self._by_id.get(f"adm:{raw.upper()}")
            return self._places[i] if i is not None else None
        if raw.startswith("adm:") and raw in self._by_id:
            return self._places[self._by_id[raw]]
        found: list[int] = []
        q = normalize(raw)
        if is_arabic(q):
            words = q.split()
            while len(words) > 1 and words[0] in _ADMIN_PREFIX:
                words = words[1:]
            while len(words) > 1 and words[-1] in _DIRECTIONS_AR:
                words = words[:-1]
            while len(words) > 1 and words[0] in _DIRECTIONS_AR:
                words = words[1:]
            for key in name_keys(" ".join(words)):
                found.extend(self._admin_ar.get(key, ()))
            if not found and words:
                for variant, n in proclitic_variants(words[0]):
                    if n:
                        for key in name_keys(" ".join([variant, *words[1:]])):
                            found.extend(self._admin_ar.get(key, ()))
        else:
            words = [w for w in re.split(r"[\s,]+", raw.lower()) if w and w not in _LATIN_NOISE]
            query = " ".join(words)
            key = latin_key(query)
            # Consonant skeletons of short names collide ("Syria" and "Sur" are both
            # "sr"): the spelling must be close too (`_latin_spelling_close`).
            found.extend(i for i in self._admin_lat.get(key, ())
                         if any(_latin_spelling_close(query, n)
                                for n in self._latin_parts.get(i, ())))
        if not found:
            return None
        best = min(
            set(found),
            key=lambda i: (_ADMIN_RANK.get(self._places[i].kind, 9), self._places[i].place_id),
        )
        return self._places[best]

    # ------------------------------------------------------------------ text

    def spot(self, text: str) -> list[NameSpan]:
        """Every known place name in `text`, longest match first, left to right.

        Windows of up to five tokens are matched against the Arabic name keys; a proclitic
        (و ب ل ف ك, stacks, ``لل``) on the first word stays outside the span. Names shorter
        than three letters and `SPOT_STOPWORDS` on their own are skipped; a one-word name
        that only city neighbourhoods bear ("الصاخور") needs "حي" before it or its city
        named in the text. Latin script:
        capitalised windows ("Baghuz Fawqani", "al-Bukamal", "Deir ez-Zor") that spell a
        known name (`SPOT_STOPWORDS_LATIN` alone are skipped); their key is the
        `latin_key`. Never raises.
        """
        if not isinstance(text, str) or not text:
            return []
        last = self._last_spot
        if last is not None and last[0] is text:
            return list(last[1])  # the same text again (a report's context after its names)
        out = self._spot(text)
        self._last_spot = (text, tuple(out))
        return out

    def _spot(self, text: str) -> list[NameSpan]:
        toks = tokens(text)
        norms = [t.norm for t in toks]
        # words of each token's normalised form (a token such as "a_b" normalises to two)
        words = [n.count(" ") + 1 for n in norms]
        out: list[NameSpan] = []
        i = 0
        joined: str | None = None  # the normalised text, for neighbourhood names
        max_n = min(_SPOT_MAX_TOKENS, self._max_words)
        reach_of = self._reach_cache
        while i < len(toks):
            surface = toks[i].text
            if surface[0].isascii():
                if not surface[0].isupper() and surface.lower() not in _LATIN_ARTICLE_WORDS:
                    i += 1  # neither a capital nor an article: no Latin name starts here
                    continue
                latin = self._spot_latin(text, toks, i)
                if latin is None:
                    i += 1
                    continue
                n, key = latin
                start, end = toks[i].start, toks[i + n - 1].end
                out.append(NameSpan(start, end, text[start:end], key))
                i += n
                continue
            reach = reach_of.get(norms[i])
            if reach is None:
                reach = self._reach(norms[i])
            if not reach:
                i += 1  # no spot key starts with any reading of this word
                continue
            hit = self._spot_arabic_at(toks, norms, words, i, max_n)
            if hit is None:
                i += 1
                continue
            n, stripped, key = hit
            if key in self._nbhd_cities:
                if joined is None:
                    joined = f" {' '.join(norms)} "
                if not self._neighbourhood_ok(key, norms, i, joined):
                    i += 1
                    continue
            first, last = toks[i], toks[i + n - 1]
            start = first.start + _surface_offset(first.text, stripped)
            out.append(NameSpan(start, last.end, text[start : last.end], key))
            i += n
        return out

    def _spot_arabic_at(
        self, toks: Sequence[Any], norms: Sequence[str], words: Sequence[int], i: int,
        max_n: int,
    ) -> tuple[int, int, str] | None:
        """The longest known Arabic name starting at token `i`: ``(n, stripped, key)``.

        Windows are tried longest first; within a window, the proclitic readings of the
        first token in `proclitic_variants` order, each as written and then with the
        article dropped from every word. A window is only joined into a string when some
        spot key starts with its first word and has at least its number of words
        (`_spot_first`), so most tokens cost two dictionary look-ups.
        """
        reach = self._reach_cache.get(norms[i])
        if reach is None:
            reach = self._reach(norms[i])
        if not reach:
            return None
        forms = _spot_forms(norms[i])
        first = self._spot_first
        keys = self._spot_keys
        for n in range(min(max_n, len(toks) - i, reach), 0, -1):
            rest_words = sum(words[i + 1 : i + n])
            rest: str | None = None
            bare_rest: str | None = None
            for f in forms:
                if n == 1 and f.stop:
                    continue
                total = f.words + rest_words
                as_is = first.get(f.head, 0) >= total
                as_bare = first.get(f.bare_head, 0) >= total
                if not (as_is or as_bare):
                    continue
                if rest is None:
                    rest = " ".join(norms[i + 1 : i + n])
                key = f"{f.variant} {rest}" if rest else f.variant
                if as_is and key in keys:
                    return n, f.stripped, key
                if as_bare:
                    if bare_rest is None:
                        bare_rest = " ".join(_bare_word(x) for x in norms[i + 1 : i + n])
                    bare = f"{f.bare} {bare_rest}" if bare_rest else f.bare
                    if bare != key and bare in keys and bare not in SPOT_STOPWORDS:
                        return n, f.stripped, bare
        return None

    def _reach(self, norm: str) -> int:
        """The most words of a spot key that starts with a reading of the token `norm`
        (0: none does); kept per token."""
        first = self._spot_first
        reach = 0
        for f in _spot_forms(norm):
            reach = max(reach, first.get(f.head, 0), first.get(f.bare_head, 0))
        if len(self._reach_cache) > _MEMO_MAX:
            self._reach_cache.clear()
        self._reach_cache[norm] = reach
        return reach

    def _spot_latin(self, text: str, toks: Sequence[Any], i: int) -> tuple[int, str] | None:
        """A Latin place name starting at token `i`: ``(n tokens, latin key)`` or None.

        The window must start with a capital (or an article before a capital: "al-Baghuz"),
        end on a capital, have only spaces, hyphens or apostrophes between its words, and
        spell a name of some place closely (`_SPOT_LATIN_RATIO`; articles and punctuation
        aside): "Baghouz" for "Baghuz" yes, "Sasa" for "Sousa" no.
        """
        first = toks[i].text
        lower = first.lower()
        if not first[0].isupper() and not (
            lower in _LATIN_ARTICLE_WORDS and i + 1 < len(toks)
            and toks[i + 1].text[:1].isupper()
        ):
            return None
        last_ok = i
        for j in range(i + 1, min(len(toks), i + _SPOT_MAX_TOKENS)):
            gap = text[toks[j - 1].end : toks[j].start]
            if not _LATIN_GAP.fullmatch(gap) or not toks[j].text[0].isascii():
                break
            last_ok = j
        # the answer depends on the window's text alone (its words and the gaps between
        # them): kept per window, as names recur
        window = text[toks[i].start : toks[last_ok].end]
        got = self._latin_window_cache.get(window)
        if got is None:
            got = self._latin_window_cache[window] = (
                self._latin_name_in(text, toks, i, last_ok, lower),)
            if len(self._latin_window_cache) > _MEMO_MAX:
                self._latin_window_cache.clear()
        return got[0]

    def _latin_name_in(self, text: str, toks: Sequence[Any], i: int, last_ok: int,
                       lower: str) -> tuple[int, str] | None:
        """The longest window ``toks[i..j]`` (j <= `last_ok`) that spells a known Latin name."""
        for j in range(last_ok, i - 1, -1):
            if not toks[j].text[:1].isupper():
                continue
            surface = text[toks[i].start : toks[j].end]
            if j == i and lower in SPOT_STOPWORDS_LATIN:
                continue
            if len(_latin_simple(surface)) < _SPOT_MIN_CHARS:
                continue
            key = latin_key(surface)
            hits = self._lat.get(key)
            simple = _latin_simple(surface)
            if hits and any(fuzz.ratio(simple, name) >= _SPOT_LATIN_RATIO
                            for k in hits for name in self._latin_names(k)):
                return j - i + 1, key
        return None

    def context_from_text(self, text: str) -> Context:
        """Admin and river-bank cues in a text ("ريف دير الزور الشرقي", "شرق الفرات",
        "غرب العاصي", "محافظة دير الزور", "eastern Deir ez-Zor", "west bank of the Khabur")
        as a Context, with the text's own villages as `near` cues.

        The phrases are found by `tracker.cues` (`admin_phrases`, `bank_cue`, for any
        river of the river table).

        Arabic cues are a feature word (ريف، محافظة، ناحية، مدينة، منطقة، بادية) before an
        admin unit's name. English cues are a governorate or district named in an explicit
        phrase: "eastern/northern ... X", "X province/governorate/countryside",
        "(the) countryside/province/governorate/outskirts of X"; a sub-district only with
        "X sub-district" / "sub-district of X". The name must be spelt like the unit's
        (a shared consonant skeleton alone is not enough: "eastern Syria" is not the
        sub-district Sur), and never crosses a line break or a comma. Never raises."""
        if not isinstance(text, str) or not text:
            return Context()
        pcodes = [code for ph in admin_phrases(text) for code in self.admin_codes_in(ph)]
        cue = bank_cue(text)
        river, bank = cue if cue is not None else (None, None)
        codes = tuple(dict.fromkeys(p for p in pcodes if p))
        anchors = self._anchors(text)
        outside = {a.place_id for a in anchors}
        if codes and len(outside) >= ANCHORS_TO_OVERRULE and len(outside) > max(
                pcodes.count(c) for c in codes) and not any(
                self._in_admin(a, codes) for a in anchors):
            # "تعزيزات من ريف الحسكة" once in a report whose villages are all elsewhere; a
            # unit the text names more often than it names such villages stays the cue.
            codes = ()
        return Context(admin_pcodes=codes, near=tuple((a.lat, a.lon) for a in anchors),
                       bank=bank, river=river)

    def admin_codes_in(self, phrase: AdminPhrase) -> list[str]:
        """P-code of the admin unit an admin phrase of `tracker.cues.admin_phrases` names
        (or nothing)."""
        words = phrase.name.split() if is_arabic(phrase.name) else (
            phrase.name.replace("-", " - ").split())
        return self._admin_in_words(words, phrase.kinds)

    def _anchors(self, text: str) -> list[Place]:
        """The settlements of a text that need no context: spotted names that match one
        place of the whole index exactly and are not prominent towns (a report names
        Damascus or Aleppo in passing; a village it names is where it happens)."""
        out: list[Place] = []
        seen: set[str] = set()
        spans = self.spot(text)
        for k, sp in enumerate(spans):
            q = normalize(sp.text)
            if q in seen or not self._named_as_place(text, spans, k):
                continue
            seen.add(q)
            got = self._anchor_cache.get(q, -1)
            if got == -1:
                cands = self._prefer_prominent(self._collapse(
                    [(self._places[i], sc, why, i) for i, sc, why in self._lookup(q)]))
                exact = [c for c in cands if _is_exact(c[2])]
                got = None
                if len(exact) == 1 and len(cands) == 1:
                    i = exact[0][3]
                    if self._places[i].kind not in ADMIN_KINDS and self._tiers[i] <= 1:
                        got = i
                self._anchor_cache[q] = got
            if got is not None:
                out.append(self._places[got])
        return out

    @staticmethod
    def _named_as_place(text: str, spans: Sequence[NameSpan], k: int) -> bool:
        """True when spot `k` is plainly a place: a Latin name, a name of two words or more,
        or one after a settlement word ("قرية", "بلدتي", "حي") or in a list that follows
        one ("بلدتي السوسة والباغوز"). A lone word may be a common one that some village
        is named after ("مرتين", twice)."""
        sp = spans[k]
        if sp.text.isascii() or " " in sp.key:
            return True
        for j in range(k, max(-1, k - _ANCHOR_LIST), -1):
            before = tokens(text[max(0, spans[j].start - 24) : spans[j].start])
            if before and any(v in _SETTLEMENT_WORDS for v, _ in
                              proclitic_variants(before[-1].norm)):
                return True
            if j < k and not re.fullmatch(r"[\s،,]*و?", text[spans[j].end : spans[j + 1].start]
                                          .replace(spans[j + 1].text, "")):
                return False  # the list is broken between j and j + 1
        return False

    def _admin_in_words(
        self, words: list[str], kinds: frozenset[str] = _AR_CUE_KINDS
    ) -> list[str]:
        """P-code of the admin unit named by the longest window of `words` (or nothing).

        Only units of `kinds` count (English cues: governorates and districts, see
        `context_from_text`). A window that names the country or a foreign one ("eastern
        Syria", "northern Iraq") names no unit.
        """
        for n in range(min(4, len(words)), 0, -1):
            for start in range(len(words) - n + 1):
                window = " ".join(words[start : start + n]).replace(" - ", "-")
                if window.lower() in SPOT_STOPWORDS_LATIN:
                    continue
                cached = self._admin_cache.get((window, kinds))
                if cached is None:
                    place = self.find_admin(window)
                    code = (_pcode_of(place) if place is not None and place.kind in kinds
                            else "")
                    cached = self._admin_cache[(window, kinds)] = (code,) if code else ()
                if cached:
                    return list(cached)
        return []

    def admin_places(self) -> list[Place]:
        """The admin units of the index (governorates, districts, sub-districts)."""
        return [p for p in self._places if p.kind in ADMIN_KINDS]


#: Match reasons of an exact name (as written, an indexed variant, or behind a proclitic
#: or feature word) -- as opposed to fuzzy, skeleton-only or qualifier-fallback matches.
_EXACT_REASONS = frozenset({"exact", "exact-variant", "stripped", "stripped-variant",
                            "latin:100"})


def _is_exact(reason: str) -> bool:
    return reason.split("+", 1)[0] in _EXACT_REASONS


def _exact_beats_fuzzy(cands: list[Candidate], theatre: Sequence[bool]) -> list[Candidate]:
    """Cap inexact matches below the best exact match inside the preferred theatre.

    `theatre[k]` says whether ``cands[k]`` meets the context's admin or bbox cue. When
    some exact match does, no fuzzy or skeleton-only match may come within
    `AMBIGUITY_MARGIN` of it: "Hajin" in the theatre beats "Hajnah" however the other cues
    fall. Without an exact match in the theatre nothing changes.
    """
    best = max((c.score for c, inside in zip(cands, theatre, strict=True)
                if inside and _is_exact(c.reason)), default=None)
    if best is None:
        return cands
    cap = max(0.0, best - AMBIGUITY_MARGIN - 1e-6)
    return [Candidate(c.place, cap, f"{c.reason}+below-exact")
            if not _is_exact(c.reason) and c.score > cap else c for c in cands]


def _in_bbox(p: Place, bbox: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = bbox
    return x0 <= p.lon <= x1 and y0 <= p.lat <= y1


def _pcode_of(place: Place) -> str:
    if place.place_id.startswith("adm:"):
        return place.place_id[4:]
    codes = [c for c in place.admin_pcodes if c]
    return codes[-1] if codes else ""


def context_from_places(places: Iterable[Place], base: Context | None = None) -> Context:
    """`base` plus the positions of already resolved `places` as `near` cues."""
    return (base or Context()).with_near(places)


__all__ += ["context_from_places"]
