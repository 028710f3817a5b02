import codecs

import pytest

from pipeline.read import InputError, decode

SENTENCE = "大兴区总工会共发放应急款143.59万元。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16"])
def test_decode_known_encodings(encoding):
    text = "大兴区总工会共发放应急款143.59万元，为91个家庭送去温暖。" * 3
    if encoding == "big5":
        text = "臺北市政府共發放救助金143.59萬元，為91個家庭送去溫暖。" * 3
    decoded, log = decode(text.encode(encoding))
    assert decoded == text
    assert log[0]["action"] == "decoded"


def test_decode_records_bom():
    _, log = decode(codecs.BOM_UTF8 + SENTENCE.encode())
    assert log[0]["detail"] == {"encoding": "utf-8-sig", "bom": True}


def test_decode_repairs_truncated_utf8():
    data = SENTENCE.encode()[:-2]  # cut inside the final 。
    text, log = decode(data)
    assert text == SENTENCE[:-1]
    assert log[-1]["action"] == "repaired_encoding"


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"  \n\t \r\n", "empty"),
    (b"\x00\x01\x02\xff\xfe\x00" * 100, "binary"),
])
def test_decode_rejects_unusable_input(data, message):
    with pytest.raises(InputError, match=message):
        decode(data)


def test_decode_strips_control_characters():
    text, log = decode(("大兴区\x07总工会\x1b发放").encode())
    assert text == "大兴区总工会发放"
    assert log[-1] == {"action": "removed_control_characters", "detail": {"count": 2}}
