"""A plain-language indicator for the public texts of a procedure.

It nudges writers toward simple words, it does not grade them: it counts sentences
longer than ``LONG_SENTENCE`` words, words longer than ``LONG_WORD`` letters, and the
administrative words of ``jargon.JARGON`` found in the text, each with a simpler one.
docs/procedures.md explains the thresholds and how to extend the list.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .jargon import JARGON

LONG_SENTENCE = 20  # words: beyond this, a sentence is hard to follow (FALC, DSFR guidance)
LONG_WORD = 13  # letters
SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+|\n+")
WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿœŒæÆ'’-]+")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c))


@dataclass
class Readability:
    words: int = 0
    sentences: int = 0
    long_sentences: list[str] = field(default_factory=list)
    long_words: list[str] = field(default_factory=list)
    jargon: list[tuple[str, str]] = field(default_factory=list)

    @property
    def average_sentence(self) -> int:
        return round(self.words / self.sentences) if self.sentences else 0

    @property
    def is_plain(self) -> bool:
        return not (self.long_sentences or self.jargon or len(self.long_words) > 2)

    @property
    def verdict(self) -> str:
        if not self.words:
            return ""
        if self.is_plain:
            return _("Texte simple.")
        return _("Texte à simplifier.")

    def advice(self) -> list[str]:
        tips = []
        if self.long_sentences:
            tips.append(
                _("%(n)s phrase(s) de plus de %(max)s mots : coupez-les en deux.")
                % {"n": len(self.long_sentences), "max": LONG_SENTENCE}
            )
        if len(self.long_words) > 2:
            tips.append(
                _("Mots longs : %(words)s. Cherchez des mots plus courts.")
                % {"words": ", ".join(self.long_words[:6])}
            )
        for word, simpler in self.jargon:
            tips.append(
                _("« %(word)s » : écrivez plutôt « %(simpler)s ».")
                % {"word": word, "simpler": simpler}
            )
        return tips


def analyse(text: str) -> Readability:
    text = str(text or "").strip()
    result = Readability()
    if not text:
        return result
    sentences = [s for s in SENTENCE_END.split(text) if WORD.search(s)]
    result.sentences = len(sentences)
    for sentence in sentences:
        count = len(WORD.findall(sentence))
        result.words += count
        if count > LONG_SENTENCE:
            result.long_sentences.append(sentence)
    seen = set()
    for word in WORD.findall(text):
        letters = re.split("['’]", word)[-1].strip("-")
        if len(letters) >= LONG_WORD and _fold(letters) not in seen:
            seen.add(_fold(letters))
            result.long_words.append(letters)
    folded = f" {_fold(text)} "
    for term, simpler in JARGON:
        if re.search(rf"(?<![a-z]){re.escape(_fold(term))}(?![a-z])", folded):
            result.jargon.append((term, simpler))
    return result
