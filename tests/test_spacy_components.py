"""Our recognizers as spaCy components, built from a config as a spaCy user would."""
import pytest

spacy = pytest.importorskip("spacy")

CONFIG = """
[nlp]
lang = "zh"
pipeline = ["newsfacts_figures", "newsfacts_dates", "newsfacts_people"]

[nlp.tokenizer]
@tokenizers = "newsfacts.rjieba_tokenizer"

[components]

[components.newsfacts_figures]
factory = "newsfacts_figures"

[components.newsfacts_dates]
factory = "newsfacts_dates"
reference_date = "2021-02-10"

[components.newsfacts_people]
factory = "newsfacts_people"
"""


@pytest.fixture(scope="module")
def nlp():
    import pipeline.spacy_components  # noqa: F401  (registers the factories when not installed)
    from spacy.util import load_model_from_config
    from thinc.api import Config
    return load_model_from_config(Config().from_str(CONFIG), auto_fill=True)


def test_spacy_pipeline_from_config_finds_facts(nlp):
    doc = nlp("2月3日，大兴区总工会党组书记、常务副主席牛玉俊慰问困难职工，共发放应急款143.59万元。")
    [money] = [s for s in doc.spans["figures"] if s._.newsfacts["kind"] == "money"]
    assert money.text == "143.59万元"
    assert money._.newsfacts["value"] == 1435900
    [day] = doc.spans["dates"]
    assert (day.text, day._.newsfacts["start"]) == ("2月3日", "2021-02-03")
    [person] = doc.spans["people"]
    assert person._.newsfacts["name"] == "牛玉俊"
    assert {"title": "常务副主席", "org": "大兴区总工会"} in person._.newsfacts["roles"]
