import shutil
import subprocess

import pytest

from pipeline import extract
from pipeline.show import highlights, render_html


@pytest.fixture(scope="module")
def article():
    found = extract("2月3日，大兴区总工会发放应急款143.59万元。", reference_date="2021-02-10")
    found["text"] += "<script>alert(1)</script>"  # appended: the offsets stay valid
    return found


def test_show_highlights_do_not_overlap(article):
    spans = highlights(article)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert ("figure", "143.59万元") in {(kind, article["text"][s:e]) for s, e, kind, _ in spans}


def test_show_html_escapes_article_text(article):
    page = render_html(article)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<mark class="figure"' in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install chromium)")
def test_show_html_renders_in_headless_chromium(article, tmp_path):
    page = tmp_path / "a.html"
    page.write_text(render_html(article), encoding="utf-8")
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert '<mark class="figure"' in dom and "143.59万元" in dom
    assert "<script>alert(1)</script>" not in dom
