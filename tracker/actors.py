"""The actor lexicon: names of armed actors in any language -> canonical actor ids.

The names live in a data file, ``tracker/data/actors.csv`` (columns ``name, actor, lang,
requires, note, role, when``; only ``name`` and ``actor`` are required), so users add their own
without touching code: pass more CSV files to `ActorLexicon.load` or list them in
``$TRACKER_ACTORS`` (one path, or several joined by ``os.pathsep``). Later files win when they
give the same name (with the same role and ``when``) another meaning.

Matching runs on normalised tokens (`tracker.arabic.normalize`): diacritics, tatweel, hamza
forms and quotes do not matter, a proclitic (و ب ل ف ك, لل) may stand before a name, the
longest name wins, and Latin names match whole words case-insensitively (names of two capital
letters such as "IS" match case-sensitively, so the verb "is" is not ISIS). `ActorLexicon.find`
makes one pass over the tokens of a text, collecting every row that matches at each token;
the rules below then choose among those candidates without reading the text again.

Each side writes the others in its own words, and some words name an actor only in context:

* ``requires`` (an id, or several joined by ``|``): the row only counts when the same text or
  its title also names one of those actors by a row that needs no context ("التنظيم" is ISIS
  in a report that says "داعش"), or when a *cue* of that actor stands near the name.
* ``role``:

  - empty: a name.
  - ``cue``: not a name but a sign of what the report is about ("الخلافة", the caliphate);
    within `CUE_WINDOW` tokens of a ``requires`` name of its actor it lets that name count.
  - ``default``: a ``requires`` name that also counts in a report that names another armed
    actor and no other organisation ("تنظيم X" other than the Islamic State): the bare
    "التنظيم" then means ISIS.
  - ``generic``: a common noun for an actor ("الفصائل", "the rebels", "the army",
    "الإرهابيين"); the mention has ``generic=True``. Its ``actor`` may list several ids
    (``opposition|sna``): the mention takes the one the context names -- the nearest mention
    by an ordinary name in the same paragraph, else anywhere in the text, else in the title,
    else the actor of a ``place`` row found in the text -- and the first id when the context
    names none of them. A generic row with ``requires`` needs one of those named first (state
    media's "الإرهابيين" is whoever the report names, and nothing when it names no one).
  - ``place``: a place that tells the theatre ("عفرين", Afrin: there the factions are the
    SNA); never a mention. Generic words whose ids include its actor take that actor when the
    context names none of their ids, and ``when`` conditions can ask for it.
  - ``not``: a phrase that contains a name but names no actor ("الدولة العباسية", the Abbasid
    state; "مؤسسات الدولة", state institutions); never a mention, and it hides the name in it.

* ``when`` (conditions separated by spaces, all must hold): ``from:YYYY-MM-DD`` and
  ``until:YYYY-MM-DD`` compare the report's date (``find(..., published=)``); a report without
  a date fails them, so the row without ``when`` for the same name stays the general meaning.
  ``theatre:ACTOR`` holds when the text or its title names a ``place`` row of ACTOR. Rows of
  the same name are tried most conditions first, so the row without ``when`` is the fallback.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from tracker._datafiles import csv_fields, from_env, read_text
from tracker.arabic import PROCLITICS, fold, normalize, tokens
from tracker.errors import InputError, UnknownActorError
from tracker.model import ACTORS

__all__ = ["CUE_WINDOW", "ENV_VAR", "ROLES", "ActorEntry", "ActorLexicon", "ActorMention"]

logger = logging.getLogger(__name__)

#: Environment variable naming extra lexicon files (os.pathsep-separated).
ENV_VAR = "TRACKER_ACTORS"
_COLUMNS = ("name", "actor", "lang", "requires", "note", "role", "when")
#: Values of the ``role`` column ("" = an ordinary name).
ROLES = ("", "name", "cue", "default", "generic", "place", "not")
#: Tokens between a cue and a context-dependent name for the cue to count.
CUE_WINDOW = 30
_BUNDLED = "actors.csv"
_CACHE_MAX = 200_000
_MENTION_ROLES = frozenset({"", "default", "generic"})
_CONDITIONS = ("from", "until", "theatre")


@dataclass(frozen=True, slots=True)
class ActorMention:
    """A name of an actor in a text.

    `start`/`end` span the original text, `text` is that span, `actor` the canonical id.
    `name` is the lexicon row's name as written in its file, `note` the row's note, `generic`
    is True for a common noun ("الفصائل", "the rebels", "the army") whose actor was read from
    the context, and `origin` says which file and line the row came from.
    """

    start: int
    end: int
    text: str
    actor: str
    name: str = ""
    note: str = ""
    generic: bool = False
    origin: str = ""


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """One row of a lexicon file.

    `actor` is the (first) actor id and `actors` every id the row lists (several only for a
    ``generic`` row). `requires` is the column as written ("isis" or "isis|hts"), `required`
    its ids. `key` is the name as a tuple of normalised tokens; `case_sensitive` is set for
    names of at most two capital Latin letters ("IS"). `role` is one of `ROLES` ("" for a
    name); `when` the conditions as written, `conditions` parsed as (kind, value) pairs.
    `source` and `line` say where the row came from.
    """

    name: str
    actor: str
    lang: str = ""
    requires: str = ""
    note: str = ""
    source: str = ""
    line: int = 0
    key: tuple[str, ...] = ()
    case_sensitive: bool = False
    role: str = ""
    actors: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    when: str = ""
    conditions: tuple[tuple[str, str], ...] = ()

    @property
    def origin(self) -> str:
        """``file:line`` of the row."""
        return f"{self.source}:{self.line}" if self.source else ""


def _key(name: str) -> tuple[str, ...]:
    return tuple(t.norm for t in tokens(name))


def _is_acronym(name: str) -> bool:
    letters = name.strip()
    return 0 < len(letters) <= 2 and letters.isascii() and letters.isalpha() and letters.isupper()


def _valid_ids() -> str:
    return ", ".join(ACTORS)


def _ids(value: str, what: str, name: str, source: str, line: int) -> tuple[str, ...]:
    """Parse ``a|b`` into known actor ids; raise InputError naming file and line."""
    out = tuple(v.strip().lower() for v in value.split("|") if v.strip())
    for actor in out:
        if actor not in ACTORS:
            msg = f"unknown actor id {actor!r} in `{what}` for {name!r}; valid ids: {_valid_ids()}"
            raise InputError(msg, path=source, line=line)
    return out


def _conditions(value: str, name: str, source: str, line: int) -> tuple[tuple[str, str], ...]:
    """Parse the ``when`` column; raise InputError naming file and line."""
    out = []
    for part in value.split():
        kind, sep, arg = part.partition(":")
        kind = kind.lower()
        if not sep or kind not in _CONDITIONS or not arg:
            msg = (f"bad condition {part!r} in `when` for {name!r}; write from:YYYY-MM-DD, "
                   f"until:YYYY-MM-DD or theatre:ACTOR, separated by spaces")
            raise InputError(msg, path=source, line=line)
        if kind in ("from", "until"):
            try:
                dt.date.fromisoformat(arg)
            except ValueError as err:
                msg = f"bad date {arg!r} in `when` for {name!r}; write {kind}:YYYY-MM-DD"
                raise InputError(msg, path=source, line=line) from err
        else:
            arg = _ids(arg, "when", name, source, line)[0]
        out.append((kind, arg))
    return tuple(out)


def _parse_rows(text: str, source: str) -> list[ActorEntry]:
    """Parse a lexicon CSV; raise InputError naming the file and line of a bad row."""
    header: list[str] | None = None
    out: list[ActorEntry] = []
    for line, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        # one record a line: a quote left open must not swallow the rows after it
        row = csv_fields(raw, f"{source}:{line}")
        if not any(cell.strip() for cell in row):
            continue
        cells = [c.strip() for c in row]
        if header is None:
            header = [c.lower() for c in cells]
            missing = [c for c in ("name", "actor") if c not in header]
            unknown = [c for c in header if c not in _COLUMNS]
            if missing or unknown:
                msg = (f"the header must name the columns {', '.join(_COLUMNS)} (name and actor "
                       f"are required); got {', '.join(cells)}")
                raise InputError(msg, path=source, line=line)
            continue
        if len(cells) > len(header):
            msg = (f"{len(cells)} fields where the header has {len(header)} "
                   f"({', '.join(header)}); quote a name that contains a comma")
            raise InputError(msg, path=source, line=line)
        out.append(_entry(dict(zip(header, cells + [""] * (len(header) - len(cells)),
                                   strict=True)), source, line))
    if header is None:
        msg = f"no header line; expected the columns {', '.join(_COLUMNS)}"
        raise InputError(msg, path=source)
    return out


def _entry(values: dict[str, str], source: str, line: int) -> ActorEntry:
    """One validated row."""
    name = values.get("name", "")
    if not name:
        msg = "empty name; every row needs a name and an actor id"
        raise InputError(msg, path=source, line=line)
    role = values.get("role", "").lower()
    if role not in ROLES:
        msg = (f"unknown role {role!r} for {name!r}; leave it empty (a name) or write one of "
               f"{', '.join(r for r in ROLES if r)}")
        raise InputError(msg, path=source, line=line)
    role = "" if role == "name" else role
    actors = _ids(values.get("actor", ""), "actor", name, source, line)
    if not actors:
        msg = f"no actor id for {name!r}; valid ids: {_valid_ids()}"
        raise InputError(msg, path=source, line=line)
    if len(actors) > 1 and role not in ("", "generic", "place"):
        msg = (f"several actor ids ({'|'.join(actors)}) for {name!r}: only a name or a "
               f"generic row may list several; give one id for a {role} row")
        raise InputError(msg, path=source, line=line)
    required = _ids(values.get("requires", ""), "requires", name, source, line)
    when = values.get("when", "")
    conditions = _conditions(when, name, source, line)
    key = _key(name)
    if not key:
        msg = f"the name {name!r} has no letters or digits to match"
        raise InputError(msg, path=source, line=line)
    return ActorEntry(name, actors[0], values.get("lang", ""), "|".join(required),
                      values.get("note", ""), source, line, key, _is_acronym(name), role,
                      actors, required, " ".join(when.split()), conditions)


def _read_file(path: Path, env_var: str | None = None) -> str:
    return read_text(path, "actor lexicon", env_var)


def _env_paths() -> list[Path]:
    raw = os.environ.get(ENV_VAR, "")
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()]


def _strip_proclitic(word: str) -> list[tuple[str, int]]:
    """Readings of a normalised word as proclitic + name word: ``[(rest, surface_chars)]``.

    ``surface_chars`` is how many leading (normalised) letters are outside the name:
    "وقسد" -> ("قسد", 1); "والتنظيم" -> ("التنظيم", 1); "للتنظيم" -> ("التنظيم", 2).
    """
    out = [(word, 0)]
    for pre in PROCLITICS:
        if word.startswith(pre) and len(word) - len(pre) >= 2:
            rest = word[len(pre):]
            if pre.endswith("ال"):
                out.append(("ال" + rest, len(pre) - 2))
            elif pre.endswith("لل"):
                out.append(("ال" + rest, len(pre)))
                out.append((rest, len(pre) - 1))  # "لل" + name without article: "لقسد"
            else:
                out.append((rest, len(pre)))
    return out


def _skip_letters(word: str, n: int) -> int:
    """Offset in `word` (original text) after its first `n` letters that survive folding."""
    i = count = 0
    while i < len(word) and count < n:
        if fold(word[i]):
            count += 1
        i += 1
    while i < len(word) and not fold(word[i]):
        i += 1
    return i


@dataclass(frozen=True, slots=True)
class _Hit:
    """A lexicon row matching at token `i` over `n` tokens (`skip` proclitic letters)."""

    i: int
    n: int
    skip: int
    entry: ActorEntry


@dataclass(slots=True)
class _Scan:
    """What one pass over a text found: its tokens and every row matching at each token."""

    text: str
    starts: list[int]  # character offsets of the tokens (those with letters or digits)
    ends: list[int]
    lattice: list[list[_Hit]]  # per token position with hits, longest first

    def select(self, ok: Callable[[ActorEntry], bool]) -> list[_Hit]:
        """Left-to-right longest match among the hits whose row passes `ok`."""
        out: list[_Hit] = []
        free = 0
        for hits in self.lattice:
            if hits[0].i < free:
                continue
            for hit in hits:
                if ok(hit.entry):
                    out.append(hit)
                    free = hit.i + hit.n
                    break
        return out

    def span(self, hit: _Hit) -> tuple[int, int]:
        """Character span of a hit in the text, proclitics outside."""
        start, end = self.starts[hit.i], self.ends[hit.i]
        return (start + _skip_letters(self.text[start:end], hit.skip),
                self.ends[hit.i + hit.n - 1])

    def places(self) -> list[tuple[int, str]]:
        """(character offset, actor) for each actor of each place row in the text.

        A ``not`` phrase hides the place inside it ("طريق الباب" is not al-Bab).
        """
        return [(self.starts[h.i], actor)
                for h in self.select(lambda e: e.role in ("place", "not"))
                if h.entry.role == "place" for actor in h.entry.actors]


def _unconditional(entry: ActorEntry) -> bool:
    return not entry.required and not entry.conditions and entry.role not in ("cue", "place")


def _hit_order(hit: _Hit) -> tuple[int, int, int]:
    """Longest first; then fewest proclitic letters; then the most specific ``when``."""
    return (-hit.n, hit.skip, -len(hit.entry.conditions))


class ActorLexicon:
    """Names -> canonical actor ids, with a matcher over texts.

    Build it with `ActorLexicon.load()` (bundled CSV + user files) or from entries.
    """

    def __init__(self, entries: Iterable[ActorEntry]) -> None:
        by_key: dict[tuple[str, tuple[str, ...], str], ActorEntry] = {}
        for entry in entries:
            kind = entry.role if entry.role in ("cue", "place", "not") else "name"
            by_key[(kind, entry.key, entry.when)] = entry  # later files win
        self._entries: tuple[ActorEntry, ...] = tuple(by_key.values())
        index: dict[str, list[ActorEntry]] = {}
        for entry in self._entries:
            index.setdefault(entry.key[0], []).append(entry)
        self._index = index
        self._by_name: dict[str, str] = {}
        for entry in self._entries:
            if entry.role in _MENTION_ROLES and (not entry.conditions
                                                 or " ".join(entry.key) not in self._by_name):
                self._by_name[" ".join(entry.key)] = entry.actor
        self._defaults = frozenset(e.actor for e in self._entries if e.role == "default")
        self._cache: dict[str, tuple[str, tuple[tuple[str, int], ...]]] = {}

    @classmethod
    def load(cls, extra_paths: Sequence[str | os.PathLike[str]] = ()) -> ActorLexicon:
        """Read the bundled lexicon, then ``$TRACKER_ACTORS`` files, then `extra_paths`.

        Parameters
        ----------
        extra_paths
            More CSV files with the columns ``name, actor[, lang, requires, note, role,
            when]`` (see the module docstring for ``requires``, ``role`` and ``when``). Lines
            starting with ``#`` are comments. A later file overrides an earlier one for the
            same (normalised) name, role and ``when``.

        Returns
        -------
        ActorLexicon

        Raises
        ------
        tracker.errors.InputError
            A file cannot be read, is not UTF-8, or has a malformed row, an unknown actor
            id, role or condition; the message names the file and line and what to write.
        """
        bundled = resources.files("tracker").joinpath("data", _BUNDLED)
        entries = _parse_rows(bundled.read_text(encoding="utf-8"), f"tracker/data/{_BUNDLED}")
        env = _env_paths()
        for k, path in enumerate([*env, *(Path(p) for p in extra_paths)]):
            var = ENV_VAR if k < len(env) else None
            text = _read_file(path, var)
            try:
                entries.extend(_parse_rows(text, str(path)))
            except InputError as err:
                raise (from_env(err, ENV_VAR) if var else err) from None
        lexicon = cls(entries)
        logger.debug("Actor lexicon: %d names", len(lexicon))
        return lexicon

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def entries(self) -> tuple[ActorEntry, ...]:
        """Every row, after later files overrode earlier ones."""
        return self._entries

    def canonical(self, name_or_id: str) -> str:
        """The canonical actor id of an id or a known name.

        Parameters
        ----------
        name_or_id
            An actor id (``"sdf"``, any case) or a name in the lexicon ("قسد", "ISIS"). A
            generic word that can mean several actors gives its first ("الفصائل" ->
            opposition); a row with ``when`` conditions yields to the same name without them.

        Returns
        -------
        str
            One of ``isis sdf government opposition hts sna turkey coalition unknown``.

        Raises
        ------
        tracker.errors.UnknownActorError
            Neither an id nor a known name (cues, places and ``not`` phrases are not names);
            the message lists the valid ids.
        """
        value = str(name_or_id).strip()
        if value.lower() in ACTORS:
            return value.lower()
        actor = self._by_name.get(" ".join(_key(value)))
        if actor is None:
            msg = (f"Unknown actor {value!r}. Use one of the ids {_valid_ids()}, or add the "
                   f"name to a lexicon CSV (columns name,actor,lang,requires,note,role,when) "
                   f"given with ${ENV_VAR}.")
            raise UnknownActorError(msg)
        return actor

    def find(self, text: str, *, context: str = "",
             published: dt.date | None = None) -> list[ActorMention]:
        """Every actor name in a text, longest match first, sorted by start.

        Parameters
        ----------
        text
            Any text; spans point into it as given.
        context
            More text about the same report that is not searched for mentions (its title):
            the actors and places it names count as context for the text.
        published
            The report's date, for rows with ``from:``/``until:`` conditions (a row with a
            date condition never counts without it).

        Returns
        -------
        list[ActorMention]
            Non-overlapping mentions. Rows with ``requires`` count only when the text or
            `context` names one of those actors by a row that needs no context, or a cue of
            it stands within `CUE_WINDOW` tokens; generic words take their actor from the
            context (see the module docstring).
        """
        if not isinstance(text, str) or not text:
            return []
        body = self._scan(text)
        if not body.lattice:
            return []
        title = self._scan(context) if isinstance(context, str) and context.strip() else None
        context_named: list[str] = []
        named, _ = _named(body.select(_unconditional))
        places = body.places()
        title_places: set[str] = set()
        if title is not None:
            in_title, context_named = _named(title.select(_unconditional))
            named |= in_title
            title_places = {actor for _, actor in title.places()}
        named |= self._cued(body, frozenset(named))
        if not named:
            return []
        # a bare "التنظيم" is ISIS in a war report naming no other organisation: that
        # lets `default` rows (and names requiring ISIS) count, never a generic word
        with_defaults = named
        if self._defaults and not _names_other_organisation(text, context or ""):
            with_defaults = named | self._defaults
        theatres = title_places | {actor for _, actor in places}

        def ok(entry: ActorEntry) -> bool:
            if entry.role not in _MENTION_ROLES and entry.role != "not":
                return False
            known = named if entry.role == "generic" else with_defaults
            if entry.required and not any(a in known for a in entry.required):
                return False
            return _conditions_hold(entry.conditions, published, theatres)

        hits = body.select(ok)
        mentions = [(h, *body.span(h)) for h in hits if h.entry.role != "not"]
        return _resolve(text, mentions, _Context(context_named, title_places, places, named))

    def _scan(self, text: str) -> _Scan:
        """The one pass over the tokens of `text`: every row matching at every token."""
        cache, index = self._cache, self._index
        norms: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        keys: list[tuple[int, str, tuple[tuple[str, int], ...]]] = []  # tokens that may start
        for t in tokens(text):  # the words of `tracker.arabic.tokens` (shared with the spotter)
            surface = t.text
            cached = cache.get(surface)
            if cached is None:
                cached = self._learn(surface)
            if cached[1]:
                keys.append((len(norms), surface, cached[1]))
            norms.append(t.norm)
            starts.append(t.start)
            ends.append(t.end)
        lattice: list[list[_Hit]] = []
        n_words = len(norms)
        for i, surface, variants in keys:
            hits = []
            for variant, skip in variants:
                for entry in index[variant]:
                    n = len(entry.key)
                    if i + n > n_words:
                        continue
                    if n > 1 and (norms[i + 1] != entry.key[1] or (n > 2 and any(
                            norms[i + k] != entry.key[k] for k in range(2, n)))):
                        continue
                    if entry.case_sensitive and (skip or surface != entry.name.strip()):
                        continue
                    hits.append(_Hit(i, n, skip, entry))
            if hits:
                if len(hits) > 1:
                    hits.sort(key=_hit_order)
                lattice.append(hits)
        return _Scan(text, starts, ends, lattice)

    def _cued(self, body: _Scan, named: frozenset[str]) -> set[str]:
        """Actors not yet named whose cue stands near one of their context-dependent names."""
        cues = body.select(lambda e: e.role == "cue")
        wanted = {h.entry.actor for h in cues} - named
        if not wanted:
            return set()
        conditional = [h for h in body.select(
            lambda e: e.role in _MENTION_ROLES and not e.conditions
            and (not e.required or any(a in named or a in wanted for a in e.required)))
            if h.entry.required]
        out: set[str] = set()
        for cue in cues:
            actor = cue.entry.actor
            if actor not in wanted:
                continue
            # a cue never vouches for the name it is part of ("الجهاديين" alone is no cue)
            if any(actor in h.entry.required and abs(h.i - cue.i) <= CUE_WINDOW
                   and not (h.i < cue.i + cue.n and cue.i < h.i + h.n) for h in conditional):
                out.add(actor)
        return out

    def _learn(self, surface: str) -> tuple[str, tuple[tuple[str, int], ...]]:
        """A token's normalised form and the index keys it can start (cached by surface)."""
        if len(self._cache) > _CACHE_MAX:
            self._cache.clear()
        norm = normalize(surface)
        variants = () if not norm or " " in norm else tuple(
            (v, skip) for v, skip in _strip_proclitic(norm)
            if v in self._index and not (skip and surface.isascii()))
        self._cache[surface] = (norm, variants)
        return norm, variants


def _conditions_hold(conditions: tuple[tuple[str, str], ...], published: dt.date | None,
                     theatres: set[str]) -> bool:
    """True when every ``when`` condition holds (a date condition needs a date)."""
    for kind, value in conditions:
        if kind == "theatre":
            ok = value in theatres
        elif published is None:
            ok = False
        elif kind == "from":
            ok = published >= dt.date.fromisoformat(value)
        else:
            ok = published <= dt.date.fromisoformat(value)
        if not ok:
            return False
    return True


def _named(hits: list[_Hit]) -> tuple[set[str], list[str]]:
    """Actors that names needing no context name; and those of single-actor names, in order.

    Every id of a name that can mean several (the factions: opposition or SNA) counts as
    named, so a ``requires`` row near it may count; only single-actor names are evidence.
    """
    named: set[str] = set()
    single: list[str] = []
    for hit in hits:
        entry = hit.entry
        if entry.role in _MENTION_ROLES:
            named.update(entry.actors)
            if len(entry.actors) == 1:
                single.append(entry.actor)
    return named, single


@dataclass(frozen=True, slots=True)
class _Context:
    """What a report says around its mentions: the title's actors and places, the text's."""

    title_named: list[str]
    title_places: set[str]
    places: list[tuple[int, str]]  # (offset, actor) of place rows in the text
    named: set[str]


def _resolve(text: str, mentions: list[tuple[_Hit, int, int]], ctx: _Context) -> list[ActorMention]:
    """Mentions, with the actor of every name that lists several read from its context.

    A generic word right beside a name ("ISIS insurgents", "إرهابيي داعش") is that name.
    Otherwise, first the names without ``requires`` ("الفصائل", "الجيش الحر"), from the
    single-actor names and places around them (`_from_context`), else their first id; then
    those with it ("الإرهابيين"), from the single-actor names, else from every mention
    resolved so far, else the first of their ids that the text names.
    """
    lines = [m.start() for m in re.finditer("\n", text)]
    stops = [m.start() for m in _SENTENCE_END.finditer(text)]

    def where(offset: int) -> tuple[int, int]:
        return bisect.bisect(lines, offset), bisect.bisect(stops, offset)

    paras = [where(start) for _, start, _ in mentions]
    place_paras = [(offset, *where(offset), actor) for offset, actor in ctx.places]
    actors: list[str | None] = [h.entry.actor if len(h.entry.actors) == 1 else None
                                for h, _, _ in mentions]
    for k, (hit, _, _) in enumerate(mentions):
        if hit.entry.role == "generic":
            beside = _beside(text, mentions, actors, k)
            if beside is not None:
                actors[k] = beside
    single = [(s, e, actors[k], paras[k]) for k, (_, s, e) in enumerate(mentions)
              if actors[k] is not None]
    near_single = _Near((s, e, str(a), p, q) for s, e, a, (p, q) in single)
    near_places = _Near((o, o, a, p, q) for o, p, q, a in place_paras)
    for rnd in (1, 2):
        evidence = _Near((s, e, str(actors[k]), *paras[k]) for k, (_, s, e) in enumerate(mentions)
                         if actors[k] is not None) if rnd == 2 else near_single
        for k, (hit, start, end) in enumerate(mentions):
            entry = hit.entry
            if actors[k] is not None or (rnd == 1 and entry.required):
                continue
            at = (start, end, *paras[k])
            found = _from_context(entry.actors, at, near_single, near_places, ctx)
            if found is None and rnd == 2:
                found = _from_context(entry.actors, at, evidence, near_places, ctx)
            if found is None:
                found = entry.actors[0] if rnd == 1 else next(
                    (a for a in entry.actors if a in ctx.named), entry.actors[0])
            actors[k] = found
    return [ActorMention(start, end, text[start:end], str(actors[k]), hit.entry.name,
                         hit.entry.note, hit.entry.role == "generic", hit.entry.origin)
            for k, (hit, start, end) in enumerate(mentions)]


def _definite_word(surface: str) -> bool:
    """An Arabic word with the article (after a و/ف/ب proclitic): "الفصائل", "والفصائل"."""
    w = surface.strip().split()[0] if surface.strip() else ""
    return w.startswith("ال") or (w[:1] in "وفب" and w[1:].startswith("ال"))


def _beside(text: str, mentions: list[tuple[_Hit, int, int]], actors: list[str | None],
            k: int) -> str | None:
    """The actor of a single-actor name separated from mention `k` by spaces on one line."""
    _, start, end = mentions[k]
    for j in (k - 1, k + 1):
        if 0 <= j < len(mentions):
            other, s, e = mentions[j]
            gap = text[e:start] if j < k else text[end:s]
            if j == k + 1 and _definite_word(text[start:end]):
                continue  # "قاتلت الفصائل النظام": with its article the word is no construct
            if (other.entry.role != "generic" and len(other.entry.actors) == 1
                    and gap and gap.isspace() and "\n" not in gap):
                return actors[j]
    return None


class _Near:
    """Spans ``(start, end, actor, paragraph, sentence)`` by actor and scope, for the one
    nearest a mention by bisection rather than a scan of the report (the spans come in text
    order; spans that do not, fall back to the scan)."""

    def __init__(self, items: Iterable[tuple[int, int, str, int, int]]) -> None:
        self.items = list(items)
        self.sorted = all(a[0] <= b[0] and a[1] <= b[1]
                          for a, b in itertools.pairwise(self.items))
        self.lists: dict[tuple[Any, ...], tuple[list[int], list[int]]] = {}
        if self.sorted:
            for s, e, a, p, q in self.items:
                for key in ((a,), (a, p), (a, p, q)):
                    ss, ee = self.lists.setdefault(key, ([], []))
                    ss.append(s)
                    ee.append(e)

    def best(self, actor: str, scope: tuple[int, ...], start: int, end: int, *,
             exclude: int | None = None) -> tuple[int, int] | None:
        """The least distance ``(gap, after)`` from the mention at ``start..end`` to a span
        of `actor` in `scope` (``()`` the text, ``(p,)`` a paragraph, ``(p, q)`` a
        sentence), spans that begin at `exclude` (the mention itself) aside; None if none."""
        if not self.sorted:
            near = [(start - e, 0) if e <= start else (s - end, 1)
                    for s, e, a, p, q in self.items
                    if a == actor and s != exclude and (p, q)[:len(scope)] == scope]
            return min(near) if near else None
        ss, ee = self.lists.get((actor, *scope), ([], []))
        got = []
        k = bisect.bisect_right(ee, start)  # [0, k): the spans that end before the mention
        j = k - 1
        while j >= 0 and ss[j] == exclude:
            j -= 1
        if j >= 0:
            got.append((start - ee[j], 0))
        j = k
        while j < len(ss) and ss[j] == exclude:
            j += 1
        if j < len(ss):
            got.append((ss[j] - end, 1))
        return min(got) if got else None


def _from_context(candidates: tuple[str, ...], at: tuple[int, int, int, int],
                  evidence: _Near, place_paras: _Near, ctx: _Context) -> str | None:
    """The candidate the context names, nearest first.

    In order: the nearest single-actor name in the same sentence, the nearest place of a
    theatre in it; the same in the paragraph; the title's names, the title's places; the
    nearest name anywhere in the text, the nearest place anywhere in it. A place counts only
    for a candidate other than the first (the default). None when nothing decides.
    """
    start, end, para, sent = at
    scopes = {"text": (), "paragraph": (para,), "sentence": (para, sent)}

    # distances (gap, 1 if after): ties go to the one before
    def nearest(scope: str) -> str | None:
        near = [(d, a) for a in set(candidates)
                if (d := evidence.best(a, scopes[scope], start, end, exclude=start)) is not None]
        return str(min(near)[1]) if near else None

    # a place only ever moves a word away from its first id: confirming the default would
    # stop the search before a stronger sign (the title's theatre) is read
    others = candidates[1:]

    def place(found: set[str]) -> str | None:
        return next((a for a in others if a in found), None)

    def places(scope: str) -> str | None:
        near = [(d, others.index(a), a) for a in set(others)
                if (d := place_paras.best(a, scopes[scope], start, end)) is not None]
        return min(near)[2] if near else None

    steps: tuple[Callable[[], str | None], ...] = (
        lambda: nearest("sentence"), lambda: places("sentence"),
        lambda: nearest("paragraph"), lambda: places("paragraph"),
        lambda: next((a for a in ctx.title_named if a in candidates), None),
        lambda: place(ctx.title_places),
        lambda: nearest("text"), lambda: places("text"),
    )
    for step in steps:
        found = step()
        if found is not None:
            return found
    return None


_OTHER_ORGANISATION = re.compile(
    r"(?:^|\s)[وبلفك]?تنظيمي? (?!الدوله|داعش|دوله)(?:\w{3,}|\w \w)")  # "تنظيم ي ب ك" too
#: Ends of sentences for reading a generic word's actor from its own sentence first.
_SENTENCE_END = re.compile(r"[.!?؟؛](?=\s)|\n")


def _names_other_organisation(text: str, context: str = "") -> bool:
    """True when the text (then its `context`, as if on the next line) names an organisation
    ("تنظيم X") that is not the Islamic State."""
    # the two normalised apart and joined by a space are the normalised text+line break+context
    # (and the report's own normalised text is shared with the other readers of it)
    joined = " ".join(x for x in (normalize(text), normalize(context)) if x)
    return "تنظيم" in joined and bool(_OTHER_ORGANISATION.search(joined))
