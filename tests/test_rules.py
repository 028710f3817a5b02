"""Every file in rules/ loads, validates and compiles (regexes compile, references resolve,
no duplicate entries or keys) through the loaders the recognizers use."""
import importlib

import pytest

from pipeline.rules import RulesError, expand_fragments, load_words, load_yaml, rules_dir

YAML_FILES = sorted(p.name for p in rules_dir().glob("*.yaml"))
WORD_FILES = sorted(p.name for p in rules_dir().glob("*.txt"))


@pytest.mark.parametrize("name", YAML_FILES)
def test_rules_yaml_loads(name):
    assert load_yaml(name)


@pytest.mark.parametrize("name", WORD_FILES)
def test_rules_word_list_loads(name):
    assert load_words(name)


@pytest.mark.parametrize("module, compiler", [
    ("pipeline.clean", "cleaning_rules"),
    ("pipeline.events", "event_rules"),
    ("pipeline.figures", "figure_rules"),
    ("pipeline.numbers", "compiled"),
    ("pipeline.dates", "load_rules"),
    ("pipeline.reference", "_patterns"),
    ("pipeline.people", "lexicon"),
    ("pipeline.orgs", "lexicon"),
    ("pipeline.segment", "load_user_dictionary"),
])
def test_rules_compile_in_their_recognizer(module, compiler):
    assert getattr(importlib.import_module(module), compiler)() is not None


def test_rules_fragment_references_must_resolve():
    with pytest.raises(RulesError, match="unknown fragment"):
        expand_fragments({"a": "{missing}x"}, "test")
    with pytest.raises(RulesError, match="cycle"):
        expand_fragments({"a": "{b}", "b": "{a}"}, "test")


def test_rules_duplicate_yaml_key_is_rejected(tmp_path, monkeypatch):
    (tmp_path / "dup.yaml").write_text("a: 1\na: 2\n", encoding="utf-8")
    monkeypatch.setenv("NEWSFACTS_RULES", str(tmp_path))
    load_yaml.cache_clear()
    try:
        with pytest.raises(RulesError, match="duplicate key"):
            load_yaml("dup.yaml")
    finally:
        load_yaml.cache_clear()


def test_rules_duplicate_word_is_rejected(tmp_path, monkeypatch):
    (tmp_path / "dup.txt").write_text("主席\n# comment\n主席\n", encoding="utf-8")
    monkeypatch.setenv("NEWSFACTS_RULES", str(tmp_path))
    load_words.cache_clear()
    try:
        with pytest.raises(RulesError, match="duplicate entry"):
            load_words("dup.txt")
    finally:
        load_words.cache_clear()


@pytest.mark.parametrize("words, text, found", [
    (["北京", "北京市", "北"], "北京市和北京", ["北京市", "北京"]),
    (["春节", "春运", "春"], "春运春节春天", ["春运", "春节", "春"]),
    (["a.b"], "a.b axb", ["a.b"]),
])
def test_trie_alternation_finds_leftmost_longest(words, text, found):
    import re
    from pipeline.rules import trie_alternation
    assert [m.group() for m in re.finditer(trie_alternation(words), text)] == found
