"""Build the persona (the influencer's voice) from captions, biography and hand-written notes."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from persona._emoji import emoji_in, emoji_key, strip_emoji
from persona._text import STOPWORDS, language_of, ngrams, script_of, words
from persona.notes import read_notes

__all__ = ["PersonaSource", "build_persona", "detect_languages", "PERSONA_VERSION"]

PERSONA_VERSION = 1
_LATIN_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "nl", "sv", "no", "da", "fi", "pl", "ro", "tr", "id")
_GREETINGS = {
    "he": ("בוקר טוב", "ערב טוב", "שבוע טוב", "שבת שלום", "היי", "הי", "אהלן", "שלום", "מה קורה"),
    "en": ("good morning", "hello", "hey", "hiya", "hi"),
}
_DEFAULT_GREETING = {
    "he": "היי!",
    "en": "Hi!",
    "ar": "أهلاً!",
    "ru": "Привет!",
    "es": "¡Hola!",
    "fr": "Coucou !",
}


@dataclass
class PersonaSource:
    """Everything a persona is built from, independent of the database."""

    handle: str
    display_name: str
    languages: list[str]
    full_name: str = ""  # the Instagram profile's name, often in both scripts
    biography: str = ""
    captions: list[str] = field(default_factory=list)
    hashtags: list[list[str]] = field(default_factory=list)
    persona_notes: str | None = None


def _latin_language(languages: list[str]) -> str:
    return next((lang for lang in languages if lang in _LATIN_LANGUAGES), "en")


def _language_shares(src: PersonaSource) -> dict[str, float]:
    latin = _latin_language(src.languages)
    found = [lang for lang in (language_of(c, latin_language=latin) for c in src.captions) if lang]
    if not found:
        # No captions to measure: the declared languages, the first one leading.
        langs = src.languages or ["en"]
        if len(langs) == 1:
            return {langs[0]: 1.0}
        rest = round(0.4 / (len(langs) - 1), 3)
        return {lang: 0.6 if i == 0 else rest for i, lang in enumerate(langs)}
    counts = Counter(found)
    total = sum(counts.values())
    return {lang: round(n / total, 3) for lang, n in counts.most_common()}


def detect_languages(texts: list[str], *, latin_language: str = "en", min_share: float = 0.1) -> list[str]:
    """Languages of the texts by script, most used first, those under `min_share` left out."""
    found = [lang for lang in (language_of(t, latin_language=latin_language) for t in texts) if lang]
    if not found:
        return [latin_language]
    counts = Counter(found)
    return [lang for lang, n in counts.most_common() if n / len(found) >= min_share] or [latin_language]


def _names(display_name: str, handle: str) -> dict[str, str]:
    """First name per script: 'Shira Adler | שירה אדלר' -> {'latin': 'Shira', 'he': 'שירה'}."""
    out: dict[str, str] = {}
    for part in re.split(r"\s*[|/·•,()\-–—]\s*", display_name or ""):
        tokens = [t for t in re.findall(r"[^\W\d_]+", part) if t]
        if not tokens:
            continue
        script = script_of(tokens[0]) or "latin"
        out.setdefault(script, tokens[0])
    if not out:
        out["latin"] = re.split(r"[._]", handle)[0].capitalize() or handle
    return out


def _name_for(names: dict[str, str], lang: str, latin: str) -> str:
    script = "latin" if lang == latin or lang in _LATIN_LANGUAGES else lang
    return names.get(script) or names.get("latin") or next(iter(names.values()))


def _default_sign_off(lang: str, name: str, warm: bool) -> str:
    if lang == "he":
        return f"באהבה, {name}" if warm else f"תודה, {name}"
    if lang in ("en",):
        return f"Love, {name}" if warm else f"Thanks, {name}"
    return f"— {name}"


def _opening(caption: str, options: tuple[str, ...]) -> tuple[str, str] | None:
    """(greeting, opening clause) of a caption that opens with one: 'Hey team! ..' -> ('hey', 'Hey team')."""
    clause = re.split(r"[!,.?\n:;]", strip_emoji(caption).strip(), maxsplit=1)[0].strip()
    folded = " ".join(words(clause))
    for phrase in options:
        if folded == phrase or folded.startswith(phrase + " "):
            return phrase, clause if len(folded.split()) <= 4 else phrase
    return None


def _greetings(src: PersonaSource, languages: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for lang in languages:
        options = _GREETINGS.get(lang, ())
        phrases: Counter[str] = Counter()
        clauses: Counter[str] = Counter()
        for caption in src.captions:
            found = _opening(caption, options)
            if found:
                phrases[found[0]] += 1
                clauses[found[1]] += 1
        # A greeting counts as a habit when at least two captions open with it.
        if clauses and clauses.most_common(1)[0][1] >= 2:
            out[lang] = clauses.most_common(1)[0][0] + "!"
        elif phrases and phrases.most_common(1)[0][1] >= 2:
            phrase = phrases.most_common(1)[0][0]
            out[lang] = phrase[:1].upper() + phrase[1:] + "!"
        else:
            out[lang] = _DEFAULT_GREETING.get(lang, "👋")
    return out


def _answer_length(note_length: str | None, captions: list[str]) -> tuple[str, int]:
    lengths = [len(words(c)) for c in captions if c.strip()]
    median = statistics.median(lengths) if lengths else 0
    if note_length:
        length = note_length
    elif not lengths or median <= 35:
        length = "short"
    elif median <= 80:
        length = "medium"
    else:
        length = "long"
    return length, {"short": 2, "medium": 4, "long": 6}[length]


def build_persona(src: PersonaSource) -> dict:
    """The persona as plain data: languages and shares, greeting and sign-off, emoji, phrases, topics."""
    hints = read_notes(src.persona_notes)
    captions = [c for c in src.captions if c and c.strip()]
    shares = _language_shares(PersonaSource(**{**src.__dict__, "captions": captions}))
    languages = list(dict.fromkeys([*src.languages, *shares]))
    default_language = src.languages[0] if src.languages else next(iter(shares), "en")
    latin = _latin_language(languages)

    emoji_all = [e for c in captions for e in emoji_in(c)]
    first_form: dict[str, str] = {}
    for e in emoji_all:
        first_form.setdefault(emoji_key(e), e)
    emoji_counts = Counter(emoji_key(e) for e in emoji_all)
    favourites = [first_form[k] for k, _ in emoji_counts.most_common(5)]
    rate = round(len(emoji_all) / len(captions), 2) if captions else 0.0
    uses_emoji = hints.emoji != "none" and (rate >= 0.3 or hints.emoji == "lots")
    if not favourites and uses_emoji:
        favourites = [e for e in emoji_in(src.biography)][:5]

    hashtag_counts: Counter[str] = Counter()
    for tags in src.hashtags:
        hashtag_counts.update({t.lstrip("#").casefold() for t in tags if t})
    top_hashtags = [t for t, _ in hashtag_counts.most_common(10)]
    keyword_counts: Counter[str] = Counter()
    for text in [*captions, src.biography]:
        keyword_counts.update({w for w in words(text) if w not in STOPWORDS and len(w) > 2})
    keywords = [w for w, n in keyword_counts.most_common(20) if n >= 2][:8]
    topics = list(dict.fromkeys([*top_hashtags[:5], *keywords]))[:10]
    phrases = [gram for gram, _ in ngrams(captions)][:10]

    names = _names(src.display_name, src.handle)
    if src.full_name:
        for script, name in _names(src.full_name, src.handle).items():
            names.setdefault(script, name)
    warm = "warm" in hints.tone or "friendly" in hints.tone or uses_emoji
    sign_offs = {lang: _default_sign_off(lang, _name_for(names, lang, latin), warm) for lang in languages}
    sign_off_source = "default"
    if hints.sign_off:
        # The stated sign-off is used for the language its script belongs to (all of them if no letters).
        stated_lang = language_of(hints.sign_off, latin_language=latin)
        for lang in languages:
            if stated_lang in (None, lang):
                sign_offs[lang] = hints.sign_off
        sign_off_source = "notes"
    greetings = _greetings(PersonaSource(**{**src.__dict__, "captions": captions}), languages)
    if hints.greeting:
        stated_lang = language_of(hints.greeting, latin_language=latin)
        for lang in languages:
            if stated_lang in (None, lang):
                greetings[lang] = hints.greeting
    answer_length, max_sentences = _answer_length(hints.answer_length, captions)
    caption_words = [len(words(c)) for c in captions]

    return {
        "version": PERSONA_VERSION,
        "handle": src.handle,
        "display_name": src.display_name,
        "first_name": {lang: _name_for(names, lang, latin) for lang in languages},
        "default_language": default_language,
        "languages": languages,
        "language_shares": shares,
        "greeting": greetings.get(default_language, "👋"),
        "greetings": greetings,
        "sign_off": hints.sign_off or sign_offs.get(default_language) or f"— {src.display_name}",
        "sign_offs": sign_offs,
        "sign_off_source": sign_off_source,
        "emoji_rate": rate,
        "uses_emoji": uses_emoji,
        "favourite_emojis": favourites,
        "phrases": phrases,
        "hashtags": top_hashtags,
        "topics": topics,
        "answer_length": answer_length,
        "max_sentences": max_sentences,
        "tone": hints.tone,
        "avoid": hints.avoid,
        "notes": src.persona_notes or "",
        "stats": {
            "captions": len(captions),
            "median_caption_words": statistics.median(caption_words) if caption_words else 0,
        },
    }
