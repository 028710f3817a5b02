"""Load the vocabularies and patterns in rules/ once per process, and validate them on load.

Files: YAML (patterns with named fragments, lexicons with structure) and TXT word lists
(one entry per line, `#` comments). Every loader is cached, so compiled rules are shared by
all articles a process handles.
"""
from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path

import yaml


class RulesError(ValueError):
    """A file in rules/ is malformed: the message names the file and the entry."""


def rules_dir() -> Path:
    """rules/ beside the package (editable install) unless NEWSFACTS_RULES points elsewhere."""
    override = os.environ.get("NEWSFACTS_RULES")
    return Path(override) if override else Path(__file__).resolve().parent.parent / "rules"


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that rejects a key written twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@lru_cache(maxsize=None)
def load_yaml(name: str) -> dict:
    path = rules_dir() / name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except FileNotFoundError as exc:
        raise RulesError(f"rules file {path} is missing") from exc
    except yaml.YAMLError as exc:
        raise RulesError(f"rules file {path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RulesError(f"rules file {path} must hold a mapping at top level")
    return data


@lru_cache(maxsize=None)
def load_words(name: str) -> tuple[str, ...]:
    """A word list: one entry per line; blank lines and `#` comments ignored; no duplicates."""
    path = rules_dir() / name
    words: list[str] = []
    seen: set[str] = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        if entry in seen:
            raise RulesError(f"{path}:{lineno}: duplicate entry {entry!r}")
        seen.add(entry)
        words.append(entry)
    return tuple(words)


def expand_fragments(fragments: dict[str, str], source: str) -> dict[str, str]:
    """Resolve `{name}` references between named regex fragments (Recognizers-Text style)."""
    resolved: dict[str, str] = {}

    def resolve(name: str, stack: tuple[str, ...]) -> str:
        if name in resolved:
            return resolved[name]
        if name in stack:
            raise RulesError(f"{source}: fragment cycle {' -> '.join(stack + (name,))}")
        if name not in fragments:
            raise RulesError(f"{source}: unknown fragment {{{name}}} in {stack[-1] if stack else name}")
        body = re.sub(r"\{([a-z_][a-z0-9_]*)\}", lambda m: resolve(m.group(1), stack + (name,)), fragments[name])
        try:
            re.compile(body)
        except re.error as exc:
            raise RulesError(f"{source}: fragment {name!r} does not compile: {exc}") from exc
        resolved[name] = body
        return body

    for key in fragments:
        resolve(key, ())
    return resolved


def alternation(words) -> str:
    """A regex alternation of literal words, longest first so the longest word wins."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def trie_alternation(words) -> str:
    """The words as one regex shaped as their trie (北京(?:市)?, 春(?:节|运)): the engine reads one
    branch per character instead of trying every word in turn, and among words that match at a
    position the longest wins, as in a longest-first alternation. Empty for no words."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        leaves = [re.escape(ch) for ch, sub in sorted(node.items()) if ch and list(sub) == [""]]
        branches = [re.escape(ch) + pattern(sub) for ch, sub in sorted(node.items()) if ch and list(sub) != [""]]
        if leaves:
            branches.append(leaves[0] if len(leaves) == 1 else "[" + "".join(leaves) + "]")
        if not branches:
            return ""
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if "" in node else body

    return pattern(trie)


@lru_cache(maxsize=1)
def rules_version() -> str:
    """A short hash of every rules file: outputs made with other rules are not reused."""
    digest = hashlib.sha256()
    for path in sorted(rules_dir().rglob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
