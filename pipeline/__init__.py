"""newsfacts: facts from Chinese news articles.

    from pipeline import extract, process, parse_number, parse_money, parse_date

Names are imported on first use, so `import pipeline.read` stays light.
"""
from importlib import import_module

_EXPORTS = {
    "extract": "pipeline.stages",
    "process": "pipeline.batch",
    "parse_number": "pipeline.numbers",
    "parse_money": "pipeline.figures",
    "parse_date": "pipeline.dates",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
