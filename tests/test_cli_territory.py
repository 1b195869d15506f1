"""`tracker pocket`, `tracker map`, `tracker animate` on a small store of hand-made claims.

The places are real entries of the bundled gazetteer (al-Susah, al-Baghuz Fawqani,
al-Marashidah, al-Safafinah, Hajin); the claims follow the record of early 2019.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from tracker import _cli_territory as C  # noqa: N812
from tracker.cli import main
from tracker.errors import InputError, OutputError
from tracker.model import ControlClaim, Evidence, Mention, Report

SUSAH, BAGHUZ, MARASHIDA, SAFAFINA, HAJIN = (
    "ocha:C5186", "ocha:C5184", "ocha:C5182", "ocha:C6797", "ocha:C5175")

REPORTS = [  # (date, [(place, actor, status, fraction)])
    (dt.date(2019, 1, 10), [(SUSAH, "isis", "held", None), (BAGHUZ, "isis", "held", None),
                            (MARASHIDA, "isis", "held", None), (SAFAFINA, "isis", "held", None),
                            (HAJIN, "sdf", "captured", None)]),
    (dt.date(2019, 1, 20), [(MARASHIDA, "sdf", "captured", None),
                            (SAFAFINA, "sdf", "captured", None)]),
    (dt.date(2019, 1, 23), [(SUSAH, "sdf", "captured", None)]),
    (dt.date(2019, 1, 27), [(BAGHUZ, "isis", "contested", 0.5)]),
    (dt.date(2019, 3, 23), [(BAGHUZ, "sdf", "captured", None)]),
]


@dataclass(frozen=True)
class _Extraction:
    claims: tuple[ControlClaim, ...]
    mentions: tuple[Mention, ...] = ()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tracker.store import Store

    path = tmp_path_factory.mktemp("store") / "t.db"
    with Store.open(path) as st:
        for day, rows in REPORTS:
            rid = f"r{day.isoformat()}"
            report = Report(rid, f"report of {day}", f"{rid}.txt", published=day)
            claims = tuple(
                ControlClaim(rid, f"{rid}.txt", pid, pid, actor, status, day, "day", 0.9,
                             Evidence(0, 5, "sentence", "test"), fraction=frac)
                for pid, actor, status, frac in rows
            )
            st.add_report(report, _Extraction(claims))
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_pocket_json_on_a_date(store: Path) -> None:
    code, out, _ = run("pocket", "--actor", "isis", "--on", "2019-01-15", "--store", str(store),
                       "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["actor"] == "isis"
    assert doc["date"] == "2019-01-15"
    ids = {q["id"] for p in doc["pockets"] for q in p["places"]}
    assert {SUSAH, BAGHUZ, MARASHIDA, SAFAFINA} <= ids
    assert HAJIN not in ids
    assert 7.5 < doc["area_km2_total"] < 30  # reported then: ~15 km²
    assert doc["area_km2_low"] == doc["area_km2_total"] == doc["area_km2_high"]
    assert all(len(p["bbox"]) == 4 for p in doc["pockets"])


def test_pocket_contested_and_after_the_end(store: Path) -> None:
    code, out, _ = run("pocket", "--actor", "isis", "--on", "2019-02-13", "--store", str(store),
                       "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["area_km2_low"] == 0 < doc["area_km2_total"] < doc["area_km2_high"]
    assert doc["pockets"][0]["places"][0]["contested"] is True
    _, out, _ = run("pocket", "--actor", "ISIS", "--on", "2019-03-25", "--store", str(store),
                    "--json")
    assert json.loads(out)["pockets"] == []
    assert json.loads(out)["area_km2_total"] == 0


def test_pocket_region_keeps_the_pockets_there(store: Path) -> None:
    args = ("pocket", "--actor", "isis", "--on", "2019-01-15", "--store", str(store), "--json")
    _, out, _ = run(*args, "--region", SUSAH)
    assert {q["id"] for p in json.loads(out)["pockets"] for q in p["places"]} >= {SUSAH}
    _, out, _ = run(*args, "--region", "Hama")
    assert json.loads(out)["pockets"] == []


def test_pocket_series_and_chart(store: Path, tmp_path: Path) -> None:
    reported = tmp_path / "reported.csv"
    reported.write_text("date,km2,source\n2019-01-15,15,SOHR\n2019-02-13,1,AFP\n")
    chart = tmp_path / "chart.png"
    code, out, _ = run("pocket", "--actor", "isis", "--from", "2019-01-11", "--to", "2019-03-30",
                       "--every", "2w", "--chart", str(chart), "--reported", str(reported),
                       "--store", str(store), "--json")
    assert code == 0
    series = json.loads(out)["series"]
    assert [r["date"] for r in series][:3] == ["2019-01-11", "2019-01-25", "2019-02-08"]
    assert series[-1]["date"] == "2019-03-30"
    areas = [r["area_km2_total"] for r in series]
    assert areas == sorted(areas, reverse=True)
    assert areas[0] > 0 == areas[-1]
    with Image.open(chart) as im:
        assert im.format == "PNG"
    code, out, _ = run("pocket", "--actor", "isis", "--from", "2019-01-11", "--to", "2019-01-25",
                       "--store", str(store))
    assert code == 0
    assert "2019-01-18" in out


def test_map_png_svg_and_labels(store: Path, tmp_path: Path) -> None:
    png = tmp_path / "m.png"
    code, out, _ = run("map", "--on", "2019-01-15", "--out", str(png), "--store", str(store))
    assert code == 0
    assert out.strip() == str(png)
    with Image.open(png) as im:
        assert im.format == "PNG"
        assert im.size[0] >= 600
    svg = tmp_path / "m.svg"
    code, _, _ = run("map", "--on", "2019-01-15", "--out", str(svg), "--labels", "en",
                     "--bbox", "40.8,34.38,41.05,34.6", "--store", str(store))
    assert code == 0
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml")
    assert "2019-01-15" in text
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_map_series_writes_one_map_per_date_and_a_sheet(store: Path, tmp_path: Path) -> None:
    code, _out, _ = run("map", "--from", "2019-01-10", "--to", "2019-01-24", "--every", "7d",
                       "--out", str(tmp_path), "--labels", "none", "--store", str(store))
    assert code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["map_2019-01-10.png", "map_2019-01-17.png", "map_2019-01-24.png",
                     "small_multiples.png"]
    sizes = set()
    for n in names[:3]:
        with Image.open(tmp_path / n) as im:
            sizes.add(im.size)
    assert len(sizes) == 1  # same extent and style


def test_animate_writes_a_gif_with_one_frame_per_date(store: Path, tmp_path: Path) -> None:
    gif = tmp_path / "a.gif"
    code, _, err = run("animate", "--from", "2019-01-10", "--to", "2019-01-22", "--every", "6d",
                       "--out", str(gif), "--labels", "none", "--store", str(store))
    assert code == 0
    with Image.open(gif) as im:
        assert im.format == "GIF"
        assert im.n_frames == 3
    assert "frames" in err  # the progress bar goes to stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pocket", "--actor", "isis", "--on", "2018-01-01"], "before the first report"),
        (["pocket", "--actor", "martians", "--on", "2019-01-15"], "Unknown actor"),
        (["pocket", "--actor", "isis", "--on", "2019-01-15", "--region", "Xqzzyville"],
         "No place matches"),
        (["pocket", "--actor", "isis", "--from", "2019-01-01", "--to", "2019-02-01",
          "--every", "weekly"], "--every 'weekly'"),
        (["pocket", "--actor", "isis", "--from", "2019-02-01", "--to", "2019-01-01"],
         "before --from"),
        (["pocket", "--actor", "isis"], "give --on DATE"),
        (["map", "--on", "2018-01-01", "--out", "{tmp}/m.png"], "before the first report"),
        (["map", "--on", "2019-01-15", "--out", "{tmp}/no/such/dir/m.png"], "does not exist"),
        (["map", "--on", "2019-01-15", "--out", "{tmp}/m.jpg"], "unknown image format"),
        (["map", "--on", "2019-01-15", "--out", "{tmp}/m.png", "--bbox", "1,2,3"], "W,S,E,N"),
        (["map", "--from", "2019-01-10", "--to", "2019-01-24", "--out", "{tmp}/no/nodir"],
         "not a directory"),
        (["map", "--from", "2018-01-10", "--to", "2019-01-24", "--out", "{tmp}/new"],
         "before the first report"),
        (["animate", "--from", "2019-01-10", "--to", "2019-01-20", "--out", "{tmp}/a.png"],
         ".gif"),
        (["animate", "--from", "2019-01-10", "--to", "2019-01-20", "--every", "0d",
          "--out", "{tmp}/a.gif"], "--every '0d'"),
    ],
)
def test_bad_input_fails_cleanly(store: Path, tmp_path: Path, args: list[str],
                                 message: str) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, _out, err = run(*args, "--store", str(store))
    assert code == 1
    assert message in err
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run("pocket", "--actor", "isis", "--on", "2019-01-15",
                       "--store", str(tmp_path / "none.db"))
    assert code == 1
    assert "tracker ingest" in err
    assert not (tmp_path / "none.db").exists()


def test_reported_csv_errors_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "r.csv"
    bad.write_text("date,km2,source\n2019-01-15,15,SOHR\n2019-13-01,3,x\n")
    with pytest.raises(InputError, match=r"r\.csv:3: date '2019-13-01'"):
        C.read_reported(bad)
    bad.write_text("day,area\n")
    with pytest.raises(InputError, match="date, km2"):
        C.read_reported(bad)


def test_atomic_path_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.png"
    def fail_midway() -> None:
        with C.atomic_path(target) as tmp:
            tmp.write_bytes(b"partial")
            msg = "render failed"
            raise RuntimeError(msg)

    with pytest.raises(RuntimeError):
        fail_midway()
    assert list(tmp_path.iterdir()) == []
    with C.atomic_path(target) as tmp:
        tmp.write_bytes(b"whole")
    assert target.read_bytes() == b"whole"
    with pytest.raises(OutputError, match="exists"), C.atomic_path(target, overwrite=False):
        pass


def test_atomic_path_output_gets_the_umask_mode_not_mkstemps_0600(tmp_path: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        with C.atomic_path(tmp_path / "map.png") as tmp:
            tmp.write_bytes(b"png")
    finally:
        os.umask(old)
    assert (tmp_path / "map.png").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(("text", "days"), [("7d", 7), ("3D", 3), ("2w", 14), (" 1d ", 1)])
def test_parse_every(text: str, days: int) -> None:
    assert C.parse_every(text) == dt.timedelta(days=days)


def test_date_range_includes_the_end() -> None:
    d = dt.date(2019, 1, 1)
    assert C.date_range(d, d + dt.timedelta(days=10), dt.timedelta(days=4)) == [
        d, d + dt.timedelta(days=4), d + dt.timedelta(days=8), d + dt.timedelta(days=10)]


def test_source_line_counts_reports_up_to_the_date(store: Path) -> None:
    tl = C.timeline_from_store(store)
    on = dt.date(2019, 1, 21)
    assert C.source_line(tl.snapshot(on), on) == "from 2 reports, latest 2019-01-20"


def test_map_series_creates_the_folder_and_frames_share_one_extent(
        store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extents: list[object] = []
    real = C.render_control_map

    def spy(*args: object, **kw: object) -> object:
        extents.append(kw["extent"])
        return real(*args, **kw)

    monkeypatch.setattr(C, "render_control_map", spy)
    out = tmp_path / "series"  # does not exist yet; its parent does
    code, _out, _ = run("map", "--from", "2019-01-10", "--to", "2019-03-30", "--every", "4w",
                        "--out", str(out), "--labels", "none", "--store", str(store))
    assert code == 0
    assert len(list(out.glob("map_*.png"))) == 4
    assert len(extents) == 4
    assert len(set(extents)) == 1  # the pocket shrinks, the frame does not
    extents.clear()
    code, _out, _ = run("animate", "--from", "2019-01-10", "--to", "2019-03-30", "--every",
                        "4w", "--out", str(tmp_path / "a.gif"), "--store", str(store))
    assert code == 0
    assert len(extents) == 4
    assert len(set(extents)) == 1


# ------------------------------------------------------------------ shares and regions


def test_pocket_share_of_an_admin_region(store: Path) -> None:
    code, out, _ = run("pocket", "--actor", "isis", "--on", "2019-01-15", "--region",
                       "adm:SY090203", "--store", str(store), "--json")
    assert code == 0
    doc = json.loads(out)
    r = doc["region"]
    # ISIS holds four villages of the Susat sub-district: a part of its settled land
    assert 0 < r["share_pct"] < 100
    assert r["actor_km2"] <= r["land_km2"] <= r["region_km2"]
    assert r["share_pct"] == pytest.approx(100 * r["actor_km2"] / r["land_km2"], abs=0.1)
    # a day later, al-Marashidah and al-Safafinah lost: the share falls
    later = json.loads(run("pocket", "--actor", "isis", "--on", "2019-01-24", "--region",
                           "adm:SY090203", "--store", str(store), "--json")[1])
    assert later["region"]["share_pct"] < r["share_pct"]
    text = run("pocket", "--actor", "isis", "--on", "2019-01-15", "--region", "adm:SY090203",
               "--store", str(store))[1]
    assert "share of the region" in text


def test_pocket_share_of_the_land_an_actor_held_on_a_date(store: Path) -> None:
    # "the share of the January pocket the SDF has retaken" = of ISIS's land on 01-10
    doc = json.loads(run("pocket", "--actor", "sdf", "--on", "2019-01-24", "--region",
                         "isis@2019-01-10/adm:SY090203", "--store", str(store), "--json")[1])
    r = doc["region"]
    assert 30 < r["share_pct"] < 90  # al-Marashidah, al-Safafinah, al-Susah of four
    assert r["share_pct_low"] <= r["share_pct"] <= r["share_pct_high"]
    done = json.loads(run("pocket", "--actor", "sdf", "--on", "2019-03-24", "--region",
                          "isis@2019-01-10/adm:SY090203", "--store", str(store), "--json")[1])
    assert done["region"]["share_pct"] == pytest.approx(100, abs=0.5)
    code, _, err = run("pocket", "--actor", "sdf", "--on", "2019-03-24", "--region",
                       "isis@2019-13-40", "--store", str(store))
    assert code == 1
    assert "ACTOR@YYYY-MM-DD" in err


def test_a_city_region_is_the_town_and_its_quarters(store: Path) -> None:
    data = C.load_territory_data(C.Settings(store=store))
    city = C.resolve_region(data, "مدينة الرقة")
    governorate = C.resolve_region(data, "الرقة")
    quarters = [p for p in data.places.values() if p.kind == "neighbourhood"
                and p.admin1 == "Ar-Raqqa" and city.contains(p.geometry.representative_point())]
    assert len(quarters) >= 10  # Raqqa's COD-AB neighbourhoods
    from tracker.territory import area_km2

    assert 5 < area_km2(city) < 200 < area_km2(governorate)
    assert C.resolve_region(data, "Raqqa city").equals(city)


def test_quarters_take_their_towns_holder_until_reported_otherwise() -> None:
    from tracker.model import Place

    town = Place("t:town", "مدينة", "Town", 35.0, 38.0, admin_pcodes=("SY11", "SY1100",
                                                                      "SY110000"))
    q1 = Place("t:q1", "حي أ", "Q1", 35.005, 38.0, kind="neighbourhood",
               admin_pcodes=("SY11", "SY1100", "SY110000"))
    q2 = Place("t:q2", "حي ب", "Q2", 35.0, 38.005, kind="neighbourhood",
               admin_pcodes=("SY11", "SY1100", "SY110000"))
    far = Place("t:far", "حي ج", "Q3", 36.0, 38.0, kind="neighbourhood",
                admin_pcodes=("SY11", "SY1100", "SY110000"))
    qc = C.city_of_quarters([town, q1, q2, far])
    assert qc == {"t:q1": "t:town", "t:q2": "t:town"}  # the far one is no quarter of it
    snap = C.with_quarters({"t:town": "isis-holding", "t:q2": "sdf-holding"}, qc)
    assert snap == {"t:town": "isis-holding", "t:q1": "isis-holding", "t:q2": "sdf-holding"}


def test_map_names_each_river_in_the_label_language() -> None:
    from tracker.render import river_label_text

    assert river_label_text("khabur", "ar") == "الخابور"
    assert river_label_text("orontes", "en") == "Orontes"
    assert river_label_text("lake_assad", "ar") == "بحيرة الأسد"
    assert river_label_text("euphrates", "none") is None
