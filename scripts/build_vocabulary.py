"""Build the hashtag vocabulary (postready/pipeline/data/hashtags.json) from the word lists in
scripts/vocabulary/*.txt, which people edit. Run it after changing a list:

    python scripts/build_vocabulary.py          # writes the JSON, prints a summary
    python scripts/build_vocabulary.py --check  # fails when the JSON is out of date

The lists, one niche (a topic people post about) per block:

    group pet_kinds: cats dogs horses          siblings: a photo of one kind never gets
                                               another kind's tags
    niche cats | Cats | 🐱 🐈 | cat | animal | parent=pets
    words: cat, kitten, maine coon, 🐱, launch?space|rocket, latte!matcha, ~me
    broad: cats, catsofinstagram
    medium: catlife
    niche: rescuecat=rescue cat|+rescue|+adopted, black cat

A tag listed twice in one niche counts where it is listed last (a general tag that a later
line gives phrases becomes specific).

`niche` line: key | label | emoji (the first is used in captions) | what to call the subject
("a photo of a cat") | kind (how captions talk about it) | optional parent niche (its general
tags come along, e.g. #petsofinstagram for a cat).

`words`: what in a description means this niche. A word or phrase; `?a|b` — it counts only
when one of these words is near it too (a "launch" is a space launch only with "rocket",
"space", ...); `!a|b` — it does not count when one of these is there; a leading `~` makes it
weak evidence (half a word: "me", "friends").

Tag lists by tier (broad: very popular, medium, niche: smaller engaged communities). A single
word is a general tag for any photo of the niche; `tag=a|b` or a phrase ("black cat" is the
tag `blackcat`) is a specific tag, used only when one of its phrases is in the description;
`+word` in a specific tag is a modifier: it selects the tag only within the niche (the
"rescue" of #rescuecat never makes a photo about cats on its own).

blocked.txt lists tags never suggested (banned: restricted on Instagram; spam: engagement
bait). The build fails on a tag that is blocked, malformed, or a niche without enough general
tags, and prints how many distinct tags and niches there are.

languages/<code>.txt (one per language posts are written in, e.g. languages/es.txt): the tags
people posting in that language use, by niche, written as they read best (CamelCase for
several words: Mastodon shows that spelling), at least MIN_LANGUAGE_TAGS a niche; and the
words that mean a niche in that language, read only in descriptions of posts in it:

    cats: Gatos, GatosDeInstagram, Michis
    words cats: gato, gatos, gatito, michi
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout, installed or not

from postready.pipeline.lemmas import Lemmatizer, tokens  # noqa: E402
from postready.pipeline.text import clean_tag  # noqa: E402
from postready.pipeline.wording import ENGLISH, POST_LANGUAGES  # noqa: E402

SOURCES = ROOT / "scripts" / "vocabulary"
LANGUAGE_SOURCES = SOURCES / "languages"
TARGET = ROOT / "postready" / "pipeline" / "data" / "hashtags.json"
TIERS = ("broad", "medium", "niche")
TAG = re.compile(r"[a-z0-9_]{2,30}")
MIN_GENERAL_TAGS = 5  # any photo of a niche gets at least this many of its tags
MIN_LANGUAGE_TAGS = 5  # a niche's tags in a language: at least this many
ABOUT = (
    "PostReady's hashtag vocabulary, built by scripts/build_vocabulary.py from "
    "scripts/vocabulary/*.txt (edit those, then rebuild). 'niches' are topics people post "
    "about: each has the words that mean it ('context': counts only with one of these near; "
    "'unless': not with these; 'weak': half weight), its tags by tier (broad: very popular; "
    "medium; niche: smaller engaged communities) and a kind that captions use. 'tags' says, "
    "for each tag, its tier, its niches, and by niche the phrases that select it there "
    "('modifiers': words that select it only within that niche). 'groups' are sibling "
    "niches of which a photo gets one kind only. 'banned' (restricted on Instagram) and "
    "'spam' (engagement bait) are never suggested. Tiers are reach bands from experience, "
    "not measured counts: review the lists now and then. 'languages': by language code, "
    "each niche's tags in that language, as written (used lower-case; the spelling for "
    "CamelCase)."
)


class VocabularyError(ValueError):
    pass


def parse_word(item: str) -> dict[str, object]:
    """`~text?ctx|ctx!not|not` → {"text", "context", "unless", "weak"} (empty ones left out)."""
    entry: dict[str, object] = {}
    item = item.strip()
    if item.startswith("~"):
        entry["weak"] = True
        item = item[1:]
    text, _, unless = item.partition("!")
    text, _, context = text.partition("?")
    entry = {"text": text.strip().lower(), **entry}
    if context:
        entry["context"] = [c.strip().lower() for c in context.split("|") if c.strip()]
    if unless:
        entry["unless"] = [c.strip().lower() for c in unless.split("|") if c.strip()]
    return entry


def parse_tag(item: str) -> tuple[str, list[str], list[str]]:
    """`tag=phrase|+modifier` or `a phrase` or `tag` → (tag, phrases, modifiers)."""
    if "=" in item:
        name, _, alternatives = item.partition("=")
        parts = [p.strip().lower() for p in alternatives.split("|") if p.strip()]
    elif " " in item.strip():
        name, parts = item, [item.strip().lower()]
    else:
        return item.strip().lower(), [], []
    tag = name.strip().lower().replace(" ", "")
    phrases = [p for p in parts if not p.startswith("+")]
    modifiers = [p[1:].strip() for p in parts if p.startswith("+")]
    return tag, phrases, modifiers


def read_sources(paths: list[Path]) -> dict[str, Any]:
    niches: dict[str, dict[str, object]] = {}
    tags: dict[str, dict[str, object]] = {}
    groups: dict[str, list[str]] = {}
    blocked: dict[str, list[str]] = {"banned": [], "spam": []}
    current: dict[str, object] | None = None
    for path in paths:
        for number, raw in enumerate(path.read_text("utf-8").splitlines(), 1):
            line = raw.strip()
            where = f"{path.name}:{number}"
            if not line or line.startswith("#"):
                continue
            head, _, rest = line.partition(":") if not line.startswith("niche ") else ("", "", "")
            if line.startswith("niche "):
                fields = [f.strip() for f in line[len("niche ") :].split("|")]
                if len(fields) not in (5, 6):
                    raise VocabularyError(f"{where}: a niche line has 5 or 6 fields")
                key, label, emoji, thing, kind = fields[:5]
                parent = fields[5].removeprefix("parent=") if len(fields) == 6 else None
                if key in niches:
                    raise VocabularyError(f"{where}: niche {key} defined twice")
                current = niches[key] = {
                    "label": label, "emoji": emoji.split(), "thing": thing, "kind": kind,
                    "parent": parent, "words": [], "tags": {tier: [] for tier in TIERS},
                }  # fmt: skip
            elif head.startswith("group "):
                groups[head[len("group ") :].strip()] = rest.split()
            elif head in blocked:
                blocked[head] += [t.strip() for t in rest.split(",") if t.strip()]
            elif head == "words" and current is not None:
                words = current["words"]
                assert isinstance(words, list)
                words += [parse_word(w) for w in rest.split(",") if w.strip()]
            elif head in TIERS and current is not None:
                key = next(k for k, v in niches.items() if v is current)
                for item in (i for i in rest.split(",") if i.strip()):
                    tag, phrases, modifiers = parse_tag(item)
                    if not TAG.fullmatch(tag):
                        raise VocabularyError(f"{where}: '{tag}' is not a valid tag")
                    entry = tags.setdefault(
                        tag, {"tier": head, "niches": [], "phrases": {}, "modifiers": {}}
                    )
                    if key not in entry["niches"]:
                        entry["niches"].append(key)
                    # Phrases and modifiers select the tag within the niche that lists them:
                    # #momlife is chosen by "mom" among families, and is general for babies.
                    for field, values in (("phrases", phrases), ("modifiers", modifiers)):
                        if values:
                            entry[field].setdefault(key, []).extend(values)
                    tier_tags = current["tags"]
                    assert isinstance(tier_tags, dict)
                    # Listed again in the same niche (general, then with its phrases): the
                    # later listing is the one that counts.
                    for listed in tier_tags.values():
                        if tag in listed:
                            listed.remove(tag)
                    tier_tags[head].append(tag)
                    if len(entry["niches"]) == 1:
                        entry["tier"] = head
            else:
                raise VocabularyError(f"{where}: cannot read {line[:40]!r}")
    return {"niches": niches, "tags": tags, "groups": groups, **blocked}


def read_languages(paths: list[Path]) -> dict[str, dict[str, dict[str, list[str]]]]:
    """languages/<code>.txt → {code: {"tags": {niche: [tags as written]}, "words": {niche:
    [words]}}}."""
    languages: dict[str, dict[str, dict[str, list[str]]]] = {}
    for path in paths:
        read = languages[path.stem] = {"tags": {}, "words": {}}
        for number, raw in enumerate(path.read_text("utf-8").splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            head, colon, rest = line.partition(":")
            field, _, key = head.strip().rpartition(" ")
            part = read["words"] if field == "words" else read["tags"]
            if not colon or field not in ("", "words") or key in part:
                raise VocabularyError(
                    f"{path.name}:{number}: 'niche: Tag, Tag' or 'words niche: word, word', "
                    "once a niche"
                )
            items = [t.strip() for t in rest.split(",") if t.strip()]
            part[key] = [t.lower() for t in items] if field == "words" else items
    return languages


def validate_languages(data: dict[str, Any]) -> list[str]:
    problems = []
    blocked = set(data["banned"]) | set(data["spam"])
    for code, read in data["languages"].items():
        if code not in POST_LANGUAGES or code == ENGLISH:
            problems.append(f"languages/{code}.txt: not a language posts are written in")
        for key, words in read["words"].items():
            if key not in data["niches"]:
                problems.append(f"languages/{code}.txt: words {key}: unknown niche")
            where = f"languages/{code}.txt: words {key}"
            problems += [f"{where}: '{w}' has no word" for w in words if not tokens(w)]
        for key, written in read["tags"].items():
            where = f"languages/{code}.txt: {key}"
            if key not in data["niches"]:
                problems.append(f"{where}: unknown niche")
            cleaned = [clean_tag(tag) for tag in written]
            problems += [
                f"{where}: '{tag}' is not a valid tag"
                for tag in written
                if clean_tag(tag) != unicodedata.normalize("NFKC", tag).lower() or "İ" in tag
            ]
            problems += [f"{where}: '{tag}' is blocked" for tag in cleaned if tag in blocked]
            if len(set(cleaned)) != len(cleaned):
                problems.append(f"{where}: a tag listed twice")
            if len(cleaned) < MIN_LANGUAGE_TAGS:
                problems.append(f"{where}: {len(cleaned)} tags, needs {MIN_LANGUAGE_TAGS}")
    return problems


def validate(data: dict[str, Any]) -> list[str]:
    niches, tags, groups = data["niches"], data["tags"], data["groups"]
    assert isinstance(niches, dict) and isinstance(tags, dict) and isinstance(groups, dict)
    problems = []
    blocked = set(data["banned"]) | set(data["spam"])  # type: ignore[arg-type]
    problems += [f"tag '{t}' is blocked" for t in tags if t in blocked]
    for key, niche in niches.items():
        if niche["parent"] and niche["parent"] not in niches:
            problems.append(f"{key}: unknown parent {niche['parent']}")
        general = [
            t for tier in TIERS for t in niche["tags"][tier]
            if key not in tags[t]["phrases"] and key not in tags[t]["modifiers"]
        ]  # fmt: skip
        if len(general) < MIN_GENERAL_TAGS:
            problems.append(f"{key}: {len(general)} general tags, needs {MIN_GENERAL_TAGS}")
        if not niche["words"]:
            problems.append(f"{key}: no words")
        problems += [
            f"{key}: '{w['text']}' has no word a description could contain"
            for w in niche["words"] if not tokens(w["text"])
        ]  # fmt: skip

    for name, members in groups.items():
        problems += [f"group {name}: unknown niche {m}" for m in members if m not in niches]
    return problems


def lemmatise(data: dict[str, Any]) -> None:
    """Every phrase as the matcher reads it: tokens reduced to the vocabulary's forms, so that
    loading it is cheap. The forms themselves go along ('known', 'lemmas')."""
    texts = [
        text
        for niche in data["niches"].values()
        for word in niche["words"]
        for text in (word["text"], *word.get("context", ()), *word.get("unless", ()))
    ]
    texts += [
        text
        for tag in data["tags"].values()
        for field in ("phrases", "modifiers")
        for texts in tag[field].values()
        for text in texts
    ]
    lemma = Lemmatizer.build(token for text in texts for token in tokens(text))
    for niche in data["niches"].values():
        for word in niche["words"]:
            word["phrase"] = list(lemma.phrase(word["text"]))
            for field in ("context", "unless"):
                if field in word:
                    word[field] = sorted({t for text in word[field] for t in lemma.phrase(text)})
    for entry in data["tags"].values():
        for field in ("phrases", "modifiers"):
            entry[field] = {
                key: [list(lemma.phrase(text)) for text in texts]
                for key, texts in entry[field].items()
            }
        for field in ("phrases", "modifiers"):  # only what a specific tag has
            if not entry[field]:
                del entry[field]
    data["known"] = sorted(lemma.known)
    data["lemmas"] = dict(sorted(lemma.reductions.items()))


def build() -> str:
    data = read_sources(sorted(SOURCES.glob("*.txt")))
    data["languages"] = read_languages(sorted(LANGUAGE_SOURCES.glob("*.txt")))
    problems = validate(data) + validate_languages(data)
    if problems:
        raise VocabularyError("\n".join(problems))
    lemmatise(data)
    return dump({"about": ABOUT, **data})


def dump(data: dict[str, Any]) -> str:
    """Compact JSON (quick to load) with one niche, tag or list per line (readable diffs)."""

    def compact(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    lines = []
    for key, value in data.items():
        if isinstance(value, dict) and key in ("niches", "tags", "groups", "lemmas", "languages"):
            entries = ",\n".join(f"  {compact(k)}:{compact(v)}" for k, v in value.items())
            lines.append(f"{compact(key)}:{{\n{entries}\n}}")
        else:
            lines.append(f"{compact(key)}:{compact(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the JSON is stale")
    args = parser.parse_args()
    try:
        text = build()
    except VocabularyError as exc:
        print(exc, file=sys.stderr)
        return 1
    data = json.loads(text)
    print(f"{len(data['niches'])} niches, {len(data['tags'])} distinct tags", file=sys.stderr)
    if args.check:
        if TARGET.read_text("utf-8") != text:
            print(f"{TARGET} is out of date: run scripts/build_vocabulary.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
