"""The offline map: country outlines from the packaged Natural Earth data, places at their coordinates."""

from storyline.api.geo import map_svg_data, world_countries


def test_world_outlines_ship_with_the_package():
    countries = world_countries()
    names = {c.name for c in countries}
    assert len(countries) > 200 and {"Belarus", "Ukraine", "Netherlands"} <= names
    belarus = next(c for c in countries if c.name == "Belarus")
    min_lon, min_lat, max_lon, max_lat = belarus.bbox
    assert 23 < min_lon < max_lon < 33 and 51 < min_lat < max_lat < 57
    assert belarus.path.startswith("M") and belarus.path.endswith("Z")


def test_map_frames_the_places_and_draws_the_countries_around_them():
    places = [{"name": "Minsk", "lat": 53.9, "lon": 27.57}, {"name": "Kyiv", "lat": 50.45, "lon": 30.52}]
    m = map_svg_data(places)
    x, y, w, h = map(float, m["viewbox"].split())
    for p in m["points"]:
        assert x <= p["x"] <= x + w and y <= p["y"] <= y + h  # every place inside the view
    minsk = {p["name"]: (p["x"], p["y"]) for p in m["points"]}["Minsk"]
    assert minsk == (round(27.57 * m["xscale"], 3), -53.9)  # x shrunk by cos(latitude) at the map centre
    assert 0.55 < m["xscale"] < 0.65
    drawn = {name for name, _ in m["countries"]}
    assert {"Belarus", "Ukraine", "Poland"} <= drawn
    assert "Brazil" not in drawn and "Australia" not in drawn  # only what is in view


def test_places_without_coordinates_are_left_out():
    m = map_svg_data([{"name": "Nowhere", "lat": None, "lon": None}])
    assert m["points"] == []
