"""Helpers for the real-browser test: Debian's chromium, and Leaflet from a local npm pack.

This machine has no internet. The page loads Leaflet from the CDN URL folium references;
the test serves the same version from ``npm pack leaflet@<version>`` (cached in
``tests/.assets/``, fetched by ``make test-assets`` or here when missing) by intercepting
the CDN requests. Every other outside request is refused, so nothing leaves the machine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tracker.export import leaflet_urls, leaflet_version

ASSETS_DIR = Path(__file__).resolve().parent / ".assets"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_TYPES = {".js": "application/javascript", ".css": "text/css", ".png": "image/png",
          ".svg": "image/svg+xml"}


def chromium_path() -> Path:
    """Debian's chromium, or skip the test with the way to install it."""
    if not CHROMIUM.exists():
        msg = f"{CHROMIUM} is missing: `apt-get install chromium` (or `make system-test-deps`)"
        pytest.skip(msg)
    return CHROMIUM


def leaflet_tarball() -> Path:
    """``tests/.assets/leaflet-<version>.tgz`` for the version folium references.

    Runs ``npm pack`` when the cache is missing; skips the test when npm is absent or
    cannot reach the registry.
    """
    version = leaflet_version()
    target = ASSETS_DIR / f"leaflet-{version}.tgz"
    if target.is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(f"npm is missing, so leaflet@{version} cannot be fetched for the browser test")
    ASSETS_DIR.mkdir(parents=True, exist_ok=True)
    # Pack into a private folder and rename: pytest-xdist workers may race here.
    with tempfile.TemporaryDirectory(dir=ASSETS_DIR) as tmp:
        try:
            subprocess.run(
                [npm, "pack", "--silent", f"leaflet@{version}", "--pack-destination", tmp],
                check=True, capture_output=True, timeout=180,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as err:
            pytest.skip(f"`npm pack leaflet@{version}` failed ({err}); run `make test-assets`")
        packed = Path(tmp) / target.name
        if not packed.is_file():
            pytest.skip(f"`npm pack leaflet@{version}` wrote no {target.name}")
        os.replace(packed, target)
    return target


def package_files(tarball: Path) -> dict[str, bytes]:
    """Files of an npm tarball by path inside the package (``dist/leaflet.js`` ...)."""
    out: dict[str, bytes] = {}
    with tarfile.open(tarball, "r:gz") as tar:
        for member in tar.getmembers():
            fh = tar.extractfile(member) if member.isfile() else None
            if fh is not None:
                out[member.name.split("/", 1)[-1]] = fh.read()
    return out


class CdnRouter:
    """A playwright route handler: the Leaflet CDN URLs from the package, nothing else.

    ``served`` lists the CDN paths answered; ``refused`` every other outside URL.
    """

    def __init__(self, tarball: Path) -> None:
        self.files = package_files(tarball)
        js, _ = leaflet_urls()
        self.prefix = js.rsplit("/dist/", 1)[0] + "/"  # https://cdn.../leaflet@1.9.3/
        self.served: list[str] = []
        self.refused: list[str] = []

    def __call__(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "about:")):
            route.continue_()
            return
        if url.startswith(self.prefix):
            path = re.sub(r"[?#].*$", "", url[len(self.prefix):])
            body = self.files.get(path)
            if body is not None:
                self.served.append(path)
                suffix = Path(path).suffix
                route.fulfill(status=200, body=body,
                              content_type=_TYPES.get(suffix, "application/octet-stream"),
                              headers={"Access-Control-Allow-Origin": "*"})
                return
        self.refused.append(url)
        route.abort()
