"""notebooks/walkthrough.ipynb runs from top to bottom and shows what it says it shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "walkthrough.ipynb"


def _text(cell: dict) -> str:
    out = []
    for o in cell.get("outputs", []):
        if o["output_type"] == "stream":
            out.append(o["text"])
        elif "text/plain" in o.get("data", {}):
            out.append(o["data"]["text/plain"])
    return "".join(out)


@pytest.mark.slow
def test_walkthrough_executes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("TRACKER_NOTEBOOK_OUT", str(tmp_path))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    code = [c for c in nb.cells if c.cell_type == "code"]
    texts = [_text(c) for c in code]
    everything = "\n".join(texts)
    assert "reports: " in everything
    assert "new" in everything
    # The who-held table: Hajin fell to the SDF between the two dates.
    who = next(t for t in texts if "Hajin" in t and "2018-12-20" in t)
    rows = {line.split()[2]: line for line in who.splitlines() if "Hajin" in line}
    assert "isis" in rows["2018-12-10"]
    assert "sdf" in rows["2018-12-20"]
    # The pocket table measures as `tracker pocket` does (closed territory, same region).
    from click.testing import CliRunner

    from tracker.cli import main

    areas = next(t for t in texts if "area_km2" in t and "2019-01-15" in t)
    row = next(line.split() for line in areas.splitlines() if "2019-01-15" in line)
    result = CliRunner().invoke(main, [
        "pocket", "--actor", "isis", "--on", "2019-01-15", "--region", "adm:SY090203",
        "--json", "--store", str(tmp_path / "walkthrough.db")])
    assert result.exit_code == 0, result.output
    assert float(row[3]) == pytest.approx(json.loads(result.stdout)["area_km2_total"], abs=0.01)
    assert float(row[3]) > 0
    # Popups in the HTML map quote the evidence.
    assert "tracker-evidence" in (tmp_path / "map.html").read_text(encoding="utf-8")
    # Maps are drawn inline.
    images = [o for c in code for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= 2
    # The exports are on disk and valid.
    fc = json.loads((tmp_path / "control_2019-01-15.geojson").read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection"
    assert {f["geometry"]["type"] for f in fc["features"]} >= {"Point"}
    assert (tmp_path / "timeline.geojson").is_file()
    assert "L.circleMarker" in (tmp_path / "map.html").read_text(encoding="utf-8")
