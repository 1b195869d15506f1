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


# ------------------------------------------------ dates known to the month / year (issue 9)

BODY = "A made-up line: the council said the road was open again."


def _txt(tmp_path, name, header, body=BODY):
    f = tmp_path / name
    f.write_text(f"{header}\n---\n{body}\n" if header else f"{body}\n", encoding="utf-8")
    return f


@pytest.mark.parametrize(("value", "date", "precision"), [
    ("2018-12", D(2018, 12, 1), "month"),
    ("2018/12", D(2018, 12, 1), "month"),
    ("2018", D(2018, 1, 1), "year"),
    ("2018-12-14", D(2018, 12, 14), "day"),
    ("2018-12-14T09:30:00+03:00", D(2018, 12, 14), "day"),
])
def test_published_known_to_the_month_or_year_is_accepted(tmp_path, value, date, precision):
    (r,), problems = read_all(_txt(tmp_path, "m.txt", f"published: {value}"))
    assert problems == []
    assert (r.published, r.published_precision, r.published_inferred) == (date, precision,
                                                                          False)


def test_month_precision_in_jsonl_and_a_bad_month_is_still_a_problem(tmp_path):
    f = tmp_path / "w.jsonl"
    f.write_text(json.dumps({"text": BODY, "published": "2017-06"}) + "\n"
                 + json.dumps({"text": BODY + " 2", "published": 2016}) + "\n"
                 + json.dumps({"text": BODY + " 3", "published": "2017-13"}) + "\n",
                 encoding="utf-8")
    reports, (p,) = read_all(f)
    assert [(r.published, r.published_precision) for r in reports] == [
        (D(2017, 6, 1), "month"), (D(2016, 1, 1), "year")]
    assert p.line == 3
    assert "YYYY-MM" in p.message


# ------------------------------------------------ dates in the source URL (issue 9)

@pytest.mark.parametrize(("url", "date", "precision"), [
    ("https://news.example/2018/12/14/town-retaken/", D(2018, 12, 14), "day"),
    ("https://news.example/ar/2018-12-14-town-retaken", D(2018, 12, 14), "day"),
    ("https://news.example/a/20181214-town", D(2018, 12, 14), "day"),
    ("https://news.example/2018/12/town-retaken", D(2018, 12, 1), "month"),
])
def test_an_undated_report_is_dated_from_its_url(tmp_path, url, date, precision):
    f = _txt(tmp_path, "u.txt", f"published: unknown\nsource_url: {url}")
    (r,), _ = read_all(f)
    assert (r.published, r.published_precision, r.published_inferred) == (date, precision,
                                                                          True)
    assert ("published_from", "source_url") in r.metadata


@pytest.mark.parametrize("url", [
    "https://news.example/a/201812141530-town",        # 12 digits: an id, not a date
    "https://news.example/a/20181399-town",            # no such day
    "https://news.example/2018/12/14/x?from=2019/01/02/y#2019-01-02",  # query ignored: day
    "https://news.example/2018/12/14/a/2018/12/15/b",  # two different days: no date
    "https://news.example/1066/10/14/battle",          # outside the window
])
def test_url_dates_that_are_not_unambiguous_dates(tmp_path, url):
    (r,), _ = read_all(_txt(tmp_path, "u.txt", f"source_url: {url}"))
    if "from=" in url:
        assert (r.published, r.published_precision) == (D(2018, 12, 14), "day")
    else:
        assert r.published is None
        assert r.published_precision == "unknown"


def test_the_header_date_wins_over_the_url_and_the_url_over_published_option(tmp_path):
    url = "https://news.example/2018/12/14/town-retaken/"
    given = _txt(tmp_path, "a.txt", f"published: 2018-12-15\nsource_url: {url}")
    from_url = _txt(tmp_path, "b.txt", f"source_url: {url}", body=BODY + " b")
    reports, _ = read_all(given, from_url, published=D(2019, 1, 1))
    by_name = {Path(r.source_file).name: r for r in reports}
    assert (by_name["a.txt"].published, by_name["a.txt"].published_inferred) == (
        D(2018, 12, 15), False)
    assert (by_name["b.txt"].published, by_name["b.txt"].published_inferred) == (
        D(2018, 12, 14), True)


def test_jsonl_source_url_dates_its_line(tmp_path):
    f = tmp_path / "w.jsonl"
    f.write_text(json.dumps({"text": BODY, "source_url": "https://x.example/2017/10/20/a"})
                 + "\n", encoding="utf-8")
    (r,), _ = read_all(f)
    assert (r.published, r.published_precision, r.published_inferred) == (
        D(2017, 10, 20), "day", True)


# ------------------------------------------------ implausible publication dates (issue 10)

@pytest.mark.parametrize(("value", "words"), [
    ("0001-01-01", "before 1900-01-01"),   # as found: year 1 changed who-held answers
    ("1899-12-31", "before 1900-01-01"),   # neighbour
    ("9999-12-31", "is after"),            # as found
    ("1850", "before 1900-01-01"),         # a year alone, too old
])
def test_a_report_dated_outside_the_window_is_skipped_by_name(tmp_path, value, words):
    bad = _txt(tmp_path, "old.txt", f"published: {value}")
    good = _txt(tmp_path, "good.txt", "published: 2018-12-14", body=BODY + " good")
    reports, (p,) = read_all(bad, good)
    assert [Path(r.source_file).name for r in reports] == ["good.txt"]
    assert p.path.endswith("old.txt")
    assert p.line == 1
    assert words in p.message
    assert "skipped" in p.message


def test_tomorrow_is_accepted_the_day_after_is_not_and_the_window_is_configurable(
    tmp_path, monkeypatch
):
    from tracker.reports import DateWindow

    today = D(2020, 5, 1)
    tomorrow = _txt(tmp_path, "t1.txt", "published: 2020-05-02")
    after = _txt(tmp_path, "t2.txt", "published: 2020-05-03", body=BODY + " 2")
    reports, (p,) = read_all(tomorrow, after, window=DateWindow(today=today))
    assert [r.published for r in reports] == [D(2020, 5, 2)]
    assert "2020-05-03 is after 2020-05-02" in p.message
    monkeypatch.setenv("TRACKER_EARLIEST_DATE", "1800-01-01")
    (r,), _ = read_all(_txt(tmp_path, "o.txt", "published: 1850-03-01"))
    assert r.published == D(1850, 3, 1)


def test_jsonl_line_dated_year_one_is_skipped_and_the_rest_read(tmp_path):
    f = tmp_path / "w.jsonl"
    f.write_text(json.dumps({"text": BODY, "published": "0001-01-01"}) + "\n"
                 + json.dumps({"text": BODY + " 2", "published": "2018-12-14"}) + "\n",
                 encoding="utf-8")
    (r,), (p,) = read_all(f)
    assert r.published == D(2018, 12, 14)
    assert (p.line, "before 1900-01-01" in p.message) == (1, True)


def test_a_published_option_outside_the_window_is_refused_before_reading(tmp_path):
    from tracker.errors import InputError

    with pytest.raises(InputError, match="--published 0001-01-01 is before"):
        read_reports([_txt(tmp_path, "x.txt", "")], published=D(1, 1, 1))


# ------------------------------------------------ encodings and NULs (issue 10)

@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_decoded(tmp_path, codec):
    text = "published: 2018-12-14\n---\nسيطرت القوات على قرية المثال صباح اليوم.\n"
    f = tmp_path / "u16.txt"
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    f.write_bytes(data)
    (r,), problems = read_all(f)
    assert problems == []
    assert r.text.startswith("سيطرت القوات")
    assert r.published == D(2018, 12, 14)


@pytest.mark.parametrize(("codec", "body"), [
    ("utf-16-le", "The road reopened today."),
    ("utf-16-le", "أعادت البلدية فتح الطريق اليوم بعد إغلاقه أسبوعاً كاملاً."),
    ("utf-16-be", "أعادت البلدية فتح الطريق اليوم بعد إغلاقه أسبوعاً كاملاً."),
])
def test_utf16_without_a_bom_is_recognised_by_its_zero_bytes(tmp_path, codec, body):
    f = tmp_path / "u16.txt"
    f.write_bytes(f"published: 2018-12-14\n---\n{body}\n".encode(codec))
    (r,), problems = read_all(f)
    assert problems == []
    assert r.text == body


def test_a_nul_past_the_first_8_kb_is_refused_with_its_place(tmp_path):
    """As found: NUL bytes after the first 8 KB went into the store. Neighbour: a NUL
    written as a JSON escape."""
    f = tmp_path / "late.txt"
    f.write_bytes(("A made-up line.\n" * 1000).encode() + b"tail\x00end\n")
    g = tmp_path / "esc.jsonl"
    g.write_text(json.dumps({"text": "before\u0000after"}) + "\n"
                 + json.dumps({"text": BODY}) + "\n", encoding="utf-8")
    reports, problems = read_all(f, g)
    assert [r.text for r in reports] == [BODY]
    late, esc = problems
    assert late.path.endswith("late.txt")
    assert "NUL" in late.message
    assert "line 1001" in late.message
    assert (esc.line, "NUL" in esc.message) == (1, True)


# ------------------------------------------------ directories and bad paths (issue 10)

def test_a_directory_is_read_recursively_and_bad_paths_are_named_not_fatal(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    _txt(folder, "a.txt", "published: 2018-12-14")
    _txt(folder / "sub", "b.txt", "published: 2018-12-15", body=BODY + " b")
    (folder / "sub" / "c.jsonl").write_text(json.dumps({"text": BODY + " c"}) + "\n",
                                            encoding="utf-8")
    (folder / "notes.csv").write_text("not,a,report\n", encoding="utf-8")
    _txt(folder / ".hidden", "d.txt", "", body=BODY + " hidden")
    dangling = tmp_path / "gone.txt"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    empty = tmp_path / "empty"
    empty.mkdir()
    reports, problems = read_all(dangling, folder, empty)
    assert sorted(Path(r.source_file).name for r in reports) == ["a.txt", "b.txt", "c.jsonl"]
    assert [Path(p.path).name for p in problems] == ["gone.txt", "empty"]
    assert "cannot read" in problems[0].message
    assert "no report files" in problems[1].message
