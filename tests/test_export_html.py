"""The interactive HTML map: escaping, offline assets, and a real headless Chromium.

The browser tests use Debian's chromium (skipped with the reason when it is missing) driven
by playwright, and serve Leaflet from a local ``npm pack`` by intercepting the CDN URLs.
"""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_assets import CHROMIUM_ARGS, CdnRouter, chromium_path, leaflet_tarball
from PIL import Image
from test_export import PLACES, sample_timeline

from tracker import export as ex
from tracker.errors import InputError, OutputError

ISIS = ex.ACTOR_COLORS["isis"]
SDF = ex.ACTOR_COLORS["sdf"]


def _page_data() -> dict[str, Any]:
    tl = sample_timeline()
    evidence = {sc.claim_id: sc for p in tl.place_ids for h in tl.holdings(p) for sc in h.evidence}
    return ex.html_map_data(tl.intervals(), PLACES, evidence=evidence)


def _write_page(path: Path, **kw: Any) -> Path:
    return ex.write_html(ex.html_document(_page_data(), tiles=None, **kw), path)


# ---------------------------------------------------------------- without a browser


def test_report_text_is_escaped_in_the_document() -> None:
    doc = ex.html_document(_page_data(), tiles=None)
    assert "onerror" in doc  # the sentence is there ...
    assert "<img src=x" not in doc  # ... but never as markup
    assert "</script><script>window.__pwned" not in doc
    assert doc.count("</script>") == doc.count("<script")  # no script block ended early
    data = _page_data()
    hajin = next(p for p in data["places"] if p["id"] == "t:hajin")
    popup = hajin["intervals"][1]["popup"]
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in popup
    assert "SDF captured Hajin." in popup
    assert "2018-12-14_hajin.txt" in popup


def test_popup_quotes_a_repeated_sentence_once() -> None:
    tl = sample_timeline()
    hajin = next(p for p in PLACES if p.place_id == "t:hajin")
    iv = next(i for i in tl.history("t:hajin") if i.actor == "sdf")
    record = ex.evidence_record(tl.holdings("t:hajin")[-1].evidence[0])
    other = ex.EvidenceRecord("r2", "other.txt", "SDF entered Hajin.", "2018-12-15")
    popup = ex.popup_html(hajin, iv, [record, other, record])
    assert popup.count("<li") == 2
    assert popup.count("SDF captured Hajin.") == 1


def test_page_data_covers_the_whole_timeline() -> None:
    data = _page_data()
    assert data["dates"][0] == "2018-09-10"
    assert data["dates"][-1] == "2019-03-23"
    assert {"2018-12-14", "2019-01-08", "2019-01-23", "2019-02-20"} <= set(data["dates"])
    assert data["colors"] == {"isis": ISIS, "sdf": SDF}
    assert len(data["places"]) == len(PLACES)


def test_page_loads_only_leaflet_from_the_folium_cdn() -> None:
    doc = ex.html_document(_page_data(), tiles=None)
    js, css = ex.leaflet_urls()
    assert f'src="{js}"' in doc
    assert f'href="{css}"' in doc
    assert "jquery" not in doc.lower()
    assert "bootstrap" not in doc.lower()


def test_empty_timeline_is_refused() -> None:
    with pytest.raises(InputError, match="timeline is empty"):
        ex.html_map_data([], PLACES)


def _fake_leaflet(path: Path, version: str) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, body in (("package/package.json", json.dumps({"version": version})),
                           ("package/dist/leaflet.js", "/* js */"),
                           ("package/dist/leaflet.css", "/* css */")):
            data = body.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_assets_must_be_the_version_folium_references(tmp_path: Path) -> None:
    wrong = _fake_leaflet(tmp_path / "leaflet-0.7.7.tgz", "0.7.7")
    with pytest.raises(InputError, match=f"needs {ex.leaflet_version()}"):
        ex.write_leaflet_assets(wrong, tmp_path / "assets")
    assert not (tmp_path / "assets" / "leaflet.js").exists()
    right = _fake_leaflet(tmp_path / "ok.tgz", ex.leaflet_version())
    js, css = ex.write_leaflet_assets(right, tmp_path / "assets")
    assert Path(js).read_text() == "/* js */"
    assert Path(css).is_file()
    with pytest.raises(InputError, match=f"npm pack leaflet@{ex.leaflet_version()}"):
        ex.find_leaflet_package([tmp_path / "nowhere"])


def test_write_html_refuses_to_overwrite(tmp_path: Path) -> None:
    page = _write_page(tmp_path / "map.html")
    with pytest.raises(OutputError, match="--overwrite"):
        _write_page(page)


# ---------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    exe = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(exe), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def tarball() -> Path:
    return leaflet_tarball()


def _open(browser: Any, router: CdnRouter, url: str) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 900, "height": 700})
    page.set_default_timeout(60_000)  # generous: CI shares two cores with other test workers
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", router)
    page.goto(url)
    page.wait_for_selector("path[data-place='t:hajin']", state="attached")
    return page, errors


def _wait_label(page: Any, text: str) -> None:
    """Wait until the slider's date label shows `text` (rendering may lag under load)."""
    page.wait_for_function(
        "t => document.querySelector('#tracker-date-label').textContent === t", arg=text
    )


def _fills(page: Any) -> dict[str, str]:
    pairs = page.eval_on_selector_all(
        "path[data-place]", "els => els.map(e => [e.dataset.place, e.getAttribute('fill')])")
    return dict(pairs)


def _pixel(page: Any, shot: bytes, place: str) -> tuple[int, int, int]:
    box = page.locator(f"path[data-place='{place}']").bounding_box()
    img = Image.open(io.BytesIO(shot)).convert("RGB")
    return img.getpixel((round(box["x"] + box["width"] / 2), round(box["y"] + box["height"] / 2)))


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _near(a: tuple[int, int, int], b: tuple[int, int, int], tol: int = 40) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


@pytest.mark.browser
def test_slider_changes_the_colours_of_known_places(
    browser: Any, tarball: Path, tmp_path: Path
) -> None:
    page_path = _write_page(tmp_path / "map.html")
    router = CdnRouter(tarball)
    page, errors = _open(browser, router, page_path.as_uri())
    assert {"dist/leaflet.js", "dist/leaflet.css"} <= set(router.served)

    assert page.text_content("#tracker-date-label") == "2018-09-10"
    first = _fills(page)
    assert first == {p.place_id: ISIS for p in PLACES}
    shot = page.screenshot(path=str(tmp_path / "first.png"))
    assert _near(_pixel(page, shot, "t:hajin"), _rgb(ISIS))

    slider = page.locator("#tracker-date-slider")
    slider.focus()
    dates = _page_data()["dates"]
    for _ in range(dates.index("2019-01-08")):  # the keyboard, as a user would
        page.keyboard.press("ArrowRight")
    _wait_label(page, "2019-01-08")
    assert page.text_content("#tracker-date-label") == "2019-01-08"
    mid = _fills(page)
    assert mid == {"t:hajin": SDF, "t:shafah": SDF, "t:susah": ISIS, "t:baghuz": ISIS}

    page.keyboard.press("End")
    _wait_label(page, "2019-03-23")
    assert page.text_content("#tracker-date-label") == "2019-03-23"
    last = _fills(page)
    assert last == {p.place_id: SDF for p in PLACES}
    shot = page.screenshot(path=str(tmp_path / "last.png"))
    assert _near(_pixel(page, shot, "t:hajin"), _rgb(SDF))
    assert not _near(_pixel(page, shot, "t:hajin"), _rgb(ISIS))
    assert errors == []
    page.close()


@pytest.mark.browser
def test_report_markup_shows_as_text_and_never_runs(
    browser: Any, tarball: Path, tmp_path: Path
) -> None:
    page, errors = _open(browser, CdnRouter(tarball), _write_page(tmp_path / "m.html").as_uri())
    page.locator("#tracker-date-slider").focus()
    page.keyboard.press("End")  # Hajin held by the SDF: the popup quotes the XSS sentence
    _wait_label(page, "2019-03-23")
    # the click event on the place's own path: a mouse click at the centre of its bounding box
    # can land on a neighbour (a cell is not convex) or on a map still settling under load
    page.locator("path[data-place='t:hajin']").dispatch_event("click")
    popup = page.wait_for_selector(".tracker-popup")
    text = popup.text_content()
    assert '<img src=x onerror="window.__pwned=1">' in text
    assert "</script><script>window.__pwned=2</script>" in text
    assert popup.query_selector("img, script") is None
    page.wait_for_timeout(200)  # a broken <img> would fire onerror by now
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert errors == []
    page.screenshot(path=str(tmp_path / "popup.png"))
    page.close()


@pytest.mark.browser
def test_assets_page_works_with_no_network_at_all(
    browser: Any, tarball: Path, tmp_path: Path
) -> None:
    assets = tmp_path / "map_files"
    js, css = ex.write_leaflet_assets(tarball, assets)
    page_path = tmp_path / "map.html"
    _write_page(page_path, leaflet_js=ex.relative_url(Path(js), page_path),
                leaflet_css=ex.relative_url(Path(css), page_path))
    router = CdnRouter(tarball)
    router.prefix = "no-cdn-for-this-page:"  # refuse every outside request
    page, errors = _open(browser, router, page_path.as_uri())
    assert router.refused == []
    assert router.served == []
    assert page.evaluate("typeof L") == "object"
    assert len(_fills(page)) == len(PLACES)
    assert errors == []
    page.close()
