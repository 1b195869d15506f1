"""Reading reports: formats, headers, encodings, boilerplate, ids, and bad input."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
from pathlib import Path

import pytest

from tracker.model import Report
from tracker.reports import (
    ReportProblem,
    decode_bytes,
    read_reports,
    report_id,
    split_header,
    strip_boilerplate,
)

DATA = Path(__file__).parent / "data" / "reports"
D = dt.date


def read_all(*paths, **kw):
    items = list(read_reports([str(p) for p in paths], **kw))
    reports = [i for i in items if isinstance(i, Report)]
    problems = [i for i in items if isinstance(i, ReportProblem)]
    return reports, problems


def test_header_fields_metadata_and_body():
    (r,), problems = read_all(DATA / "header.txt")
    assert problems == []
    assert r.published == D(2018, 10, 5)
    assert (r.published_precision, r.published_inferred) == ("day", False)
    assert r.title.startswith("القوات تتقدم")
    assert r.publisher == "Example Monitor"
    assert r.source_url == "https://example.org/a/1"
    assert r.metadata == (("desk", "east"),)
    assert r.text.startswith("سيطرت قوات")
    assert "---" not in r.text
    assert r.language == "ar"
    assert r.source_file == str(DATA / "header.txt")


def test_no_header_whole_file_is_the_body_and_date_is_inferred():
    (r,), _ = read_all(DATA / "no_header.txt")
    assert r.text.startswith("انسحب تنظيم داعش")
    assert r.published == D(2018, 12, 11)
    assert r.published_inferred is True
    assert r.published_precision == "day"


def test_published_unknown_counts_as_missing():
    (r,), _ = read_all(DATA / "unknown_date.txt")
    assert r.published is None
    assert r.published_precision == "unknown"
    assert r.language == "ar"


def test_default_published_applies_only_to_reports_without_a_date():
    reports, _ = read_all(DATA / "header.txt", DATA / "unknown_date.txt", DATA / "no_header.txt",
                          published=D(2019, 1, 1))
    dates = {Path(r.source_file).name: (r.published, r.published_inferred) for r in reports}
    assert dates["header.txt"] == (D(2018, 10, 5), False)
    assert dates["unknown_date.txt"] == (D(2019, 1, 1), False)
    assert dates["no_header.txt"] == (D(2019, 1, 1), False)


def test_header_without_known_keys_is_text():
    fields, body, _ = split_header("Note: this is prose\n---\nMore prose.", "x.txt")
    assert fields == {}
    assert body.startswith("Note:")


def test_bad_header_date_names_file_and_line():
    reports, (p,) = read_all(DATA / "bad_header.txt")
    assert reports == []
    assert p.path.endswith("bad_header.txt")
    assert p.line == 1
    assert "2018-13-45" in p.message
    assert "YYYY-MM-DD" in p.message


def test_malformed_header_line(tmp_path):
    f = tmp_path / "m.txt"
    f.write_text("published: 2018-12-01\nthis line is not a field\n---\nسيطرت قسد على هجين.\n",
                 encoding="utf-8")
    reports, (p,) = read_all(f)
    assert reports == []
    assert p.line == 2
    assert "key: value" in p.message


def test_utf8_bom_and_windows_1256():
    (bom,), _ = read_all(DATA / "bom.txt")
    assert bom.text.startswith("حاصرت")
    (cp,), problems = read_all(DATA / "cp1256.txt")
    assert problems == []
    assert cp.text.startswith("سيطرت قوات النظام على بلدة القورية")
    assert cp.published == D(2017, 11, 3)


def test_decode_prefers_an_arabic_reading():
    data = "قوات النظام في مدينة البوكمال".encode("cp1256")
    assert decode_bytes(data, "x") == "قوات النظام في مدينة البوكمال"


@pytest.mark.parametrize(("name", "words"), [
    ("binary.dat", "binary"), ("empty.txt", "empty")])
def test_binary_and_empty_files(name, words):
    reports, (p,) = read_all(DATA / name)
    assert reports == []
    assert p.path.endswith(name)
    assert words in p.message


def test_huge_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper

    def no_read(self):
        msg = "the file must not be read"
        raise AssertionError(msg)

    monkeypatch.setattr(pathlib.Path, "read_bytes", no_read)
    reports, (p,) = read_all(big)
    assert reports == []
    assert "52.4 MB" in p.message
    assert "limit" in p.message


def test_size_limit_is_a_parameter(tmp_path):
    f = tmp_path / "small.txt"
    f.write_text("سيطرت قسد على هجين." * 10, encoding="utf-8")
    _, (p,) = read_all(f, max_bytes=50)
    assert "limit" in p.message


def test_missing_file_and_directory(tmp_path):
    reports, problems = read_all(tmp_path / "nope.txt", tmp_path, DATA / "header.txt")
    assert len(reports) == 1
    assert [Path(p.path).name for p in problems] == ["nope.txt", tmp_path.name]


def test_jsonl_lines_problems_and_batch_goes_on():
    reports, problems = read_all(DATA / "reports.jsonl", DATA / "header.txt")
    assert [(r.line, r.published) for r in reports if r.line] == [
        (1, D(2018, 12, 14)), (4, D(2017, 11, 19))]
    assert reports[0].publisher == "Wire"
    assert reports[0].metadata == (("desk", "x"),)
    assert any(r.source_file.endswith("header.txt") for r in reports)
    assert [(p.line, p.path.endswith("reports.jsonl")) for p in problems] == [
        (2, True), (5, True), (6, True)]
    assert "not valid JSON" in problems[0].message
    assert "text" in problems[1].message
    assert "19/11/2017" in problems[2].message
    assert str(problems[0]).startswith(str(DATA / "reports.jsonl") + ":2:")


def test_html_article_text_title_and_date():
    (r,), problems = read_all(DATA / "page.html")
    assert problems == []
    assert "captured the village of Abu al-Hasan" in r.text
    for nav in ("Contact us", "Subscribe", "Privacy policy", "All rights reserved"):
        assert nav not in r.text
    assert r.title == "SDF takes village near Hajin"
    assert r.published == D(2018, 12, 26)


def test_boilerplate_lines_are_dropped():
    (r,), _ = read_all(DATA / "boilerplate.txt")
    assert r.text == "The SDF captured the village of al-Shafah on Monday."
    assert strip_boilerplate("خبر أول\nإضافة تعليق جديد\nخبر ثان") == "خبر أول\nخبر ثان"
    # a line that merely mentions cookies in a sentence is kept
    assert strip_boilerplate("Fighters hid in a cookie factory.") == \
        "Fighters hid in a cookie factory."


def test_report_id_is_the_hash_of_normalised_text(tmp_path):
    a = "سيطرت قوات النظام على البوكمال."
    b = "سيطرَت  قوّات النظام على البوكمال"
    assert report_id(a) == report_id(b)
    assert len(report_id(a)) == 16
    assert report_id(a) != report_id("سيطرت قسد على هجين.")
    (tmp_path / "1.txt").write_text(a, encoding="utf-8")
    (tmp_path / "2.txt").write_text(b, encoding="utf-8")
    reports, _ = read_all(tmp_path / "1.txt", tmp_path / "2.txt")
    assert len(reports) == 1


def test_english_language_is_detected():
    reports, _ = read_all(DATA / "reports.jsonl")
    assert {r.language for r in reports} == {"en"}


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".txt", ".jsonl", ".html"]))
def test_any_bytes_give_reports_or_problems_never_exceptions(tmp_path, data, suffix):
    f = tmp_path / f"x{suffix}"
    f.write_bytes(data)
    for item in read_reports([f]):
        assert isinstance(item, Report | ReportProblem)
        if isinstance(item, ReportProblem):
            assert item.path == str(f)
            assert item.message


def test_large_jsonl_is_streamed_not_refused(tmp_path):
    # over the size limit: a .jsonl is read line by line (a .txt would be refused)
    lines = [json.dumps({"text": f"سيطرت قسد على بلدة هجين {i}", "published": "2018-12-14"},
                        ensure_ascii=False) for i in range(5)]
    lines.insert(2, "{not json")
    lines.append(json.dumps({"text": "x" * 400}))
    p = tmp_path / "big.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_reports([p], max_bytes=300))
    reps = [r for r in items if isinstance(r, Report)]
    probs = [r for r in items if isinstance(r, ReportProblem)]
    assert [r.line for r in reps] == [1, 2, 4, 5, 6]
    assert [(q.line, "JSON" in q.message) for q in probs] == [(3, True), (7, False)]
    assert "MB limit" in probs[1].message
