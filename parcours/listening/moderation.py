"""Moderation of texts the public will read: experiences, ideas and their comments.

Two separate rules, each explainable to the author and to a moderator:

* **Personal data is masked**, never published: email addresses, French phone numbers
  (``01 23 45 67 89``, ``01.23.45.67.89``, ``+33 1 23 45 67 89``, ``0033…``), and
  names: the names we know (the author's own, the agents of the organisation), a
  civility followed by a capitalised word (``Mme Martin``, ``Monsieur Dupont``), and a
  common French first name followed by a capitalised word (``Claire Martin``), the
  first names coming from ``wordlists/first_names.txt``.
* **Insults hold the text for a moderator**: a word of ``wordlists/insults.txt``,
  compared without accents and without case (a final "s" or "x" is also tried without
  it). Held does not mean refused: a person reads it, then publishes or refuses it.

Masking is deliberately generous (a masked word too many costs little; a name
published costs a lot) and the list of what was masked is kept with the text.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

WORDLISTS = Path(__file__).resolve().parent / "wordlists"

EMAIL_MASK = _("[adresse masquée]")
PHONE_MASK = _("[téléphone masqué]")
NAME_MASK = _("[nom masqué]")

EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 0X XX XX XX XX with spaces, dots or dashes (or none), or the international forms.
PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?[1-9]|0[1-9])(?:[\s.-]?\d{2}){4}(?!\d)"
)
# A capitalised word, accents and compound names included (Le Goff, Saint-Martin, d'Arc).
CAPITALISED = (
    r"(?:[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]+|[A-ZÀ-ÖØ-Þ]{2,})(?:[\s-](?:[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]+))?"
)
CIVILITY_RE = re.compile(
    r"\b(?:M\.|Mr\.?|Mme|Mlle|Madame|Monsieur|Mademoiselle|Maître|Me|Dr\.?|Docteur)\s+("
    + CAPITALISED
    + r")"
)
WORD_RE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ-]+")  # an apostrophe separates (d'idiots)


def fold(text: str) -> str:
    """Lower case, without accents: « Élodie » and « elodie » compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _read(name: str) -> list[str]:
    lines = (WORDLISTS / name).read_text(encoding="utf-8").splitlines()
    return [fold(line.strip()) for line in lines if line.strip() and not line.startswith("#")]


@cache
def first_names() -> frozenset[str]:
    return frozenset(_read("first_names.txt"))


@cache
def insults() -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    """Single words, and expressions of several words (as tuples of words)."""
    words, phrases = set(), []
    for entry in _read("insults.txt"):
        parts = tuple(entry.split())
        if len(parts) == 1:
            words.add(parts[0])
        else:
            phrases.append(parts)
    return frozenset(words), tuple(phrases)


@dataclass
class Moderated:
    text: str
    masked: list[str] = field(default_factory=list)  # "email", "phone", "name"
    held_words: list[str] = field(default_factory=list)

    @property
    def is_held(self) -> bool:
        return bool(self.held_words)


def _mask_known_names(text: str, names, masked: list[str]) -> str:
    """Mask each known name, without regard to accents or case (« Lefevre » masks
    « Lefèvre »). Longer names first, so « Claire Martin » goes before « Martin »."""
    for name in sorted(
        {n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True
    ):
        folded = fold(text)
        if len(folded) == len(text):
            # Folding kept one character per character: find on the folded text,
            # replace at the same places in the original.
            pattern = re.compile(r"(?<!\w)" + re.escape(fold(name)) + r"(?!\w)")
            for match in reversed(list(pattern.finditer(folded))):
                text = text[: match.start()] + str(NAME_MASK) + text[match.end() :]
                masked.append("name")
        else:
            pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.IGNORECASE)
            text, count = pattern.subn(str(NAME_MASK), text)
            masked.extend(["name"] * count)
    return text


def _mask_first_name_surname(text: str, masked: list[str]) -> str:
    pattern = re.compile(
        r"\b([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)?)\s+(" + CAPITALISED + r")"
    )
    names = first_names()

    def replace(match: re.Match) -> str:
        first = match.group(1)
        if all(part in names for part in fold(first).split("-")):
            masked.append("name")
            return str(NAME_MASK)
        return match.group(0)

    text = pattern.sub(replace, text)
    # A first name left just before a name already masked (« Karim [nom masqué] »).
    before_mask = re.compile(r"\b([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)\s+" + re.escape(str(NAME_MASK)))

    def merge(match: re.Match) -> str:
        if fold(match.group(1)) in names:
            return str(NAME_MASK)
        return match.group(0)

    return before_mask.sub(merge, text)


def mask_personal_data(text: str, *, names=()) -> Moderated:
    """The text with emails, phone numbers and names replaced by a visible mark."""
    masked: list[str] = []

    def sub(pattern, mark, kind, value):
        def replace(_match):
            masked.append(kind)
            return str(mark)

        return pattern.sub(replace, value)

    text = sub(EMAIL_RE, EMAIL_MASK, "email", text)
    text = sub(PHONE_RE, PHONE_MASK, "phone", text)
    text = _mask_known_names(text, names, masked)

    def civility(match: re.Match) -> str:
        masked.append("name")
        return match.group(0)[: match.start(1) - match.start(0)] + str(NAME_MASK)

    text = CIVILITY_RE.sub(civility, text)
    text = _mask_first_name_surname(text, masked)
    return Moderated(text=text, masked=masked)


def find_insults(text: str) -> list[str]:
    """The words of the insult list found in ``text``, as written there, in order."""
    words, phrases = insults()
    tokens = [(m.group(0), fold(m.group(0)).strip("'’-")) for m in WORD_RE.finditer(text)]
    found: list[str] = []
    skip_until = 0
    for index, (original, token) in enumerate(tokens):
        if index < skip_until:
            continue  # inside an expression already found
        candidates = {token}
        if len(token) > 3 and token[-1] in "sx":
            candidates.add(token[:-1])
        for phrase in phrases:
            window = [t for _o, t in tokens[index : index + len(phrase)]]
            if len(window) == len(phrase) and all(
                w == p or (len(w) > 3 and w[-1] in "sx" and w[:-1] == p)
                for w, p in zip(window, phrase, strict=True)
            ):
                found.append(" ".join(o for o, _t in tokens[index : index + len(phrase)]))
                skip_until = index + len(phrase)
                break
        else:
            if candidates & words:
                found.append(original)
    return list(dict.fromkeys(found))


def moderate(text: str, *, names=()) -> Moderated:
    """Mask the personal data, and list the words that hold the text for a moderator."""
    result = mask_personal_data(text, names=names)
    result.held_words = find_insults(text)
    return result
