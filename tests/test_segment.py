import pytest

from pipeline.segment import split_sentences, tokenize


def test_split_sentences_at_full_stops_and_lines():
    text = "2月3日，慰问团来到家中。记者了解到，共有91个家庭！\n下一段"
    assert [text[s:e] for s, e in split_sentences(text)] == ["2月3日，慰问团来到家中。", "记者了解到，共有91个家庭！", "下一段"]


@pytest.mark.parametrize("text", ["1" * 5000, "3万元，" * 2000, "万" * 1234])
def test_split_sentences_bounds_runaway_lines(text):
    spans = split_sentences(text, max_chars=400)
    assert all(e - s <= 400 for s, e in spans)
    assert "".join(text[s:e] for s, e in spans) == text


def test_tokenize_offsets_cover_the_text():
    text = "大兴区总工会党组书记、常务副主席牛玉俊慰问职工"
    tokens = tokenize(text)
    assert "".join(t.word for t in tokens) == text
    assert all(text[t.start:t.end] == t.word for t in tokens)
    assert "常务副主席" in [t.word for t in tokens]  # from the user dictionary in rules/
