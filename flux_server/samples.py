"""The `flux-demo/weather` sample data as formulas: grids, dimension values and expected values.

Pure Python (``math`` only): tests import it inside QGIS's Python 3.11, where neither numpy
nor xarray may be present, and ``flux_server/data.py`` builds the arrays from the same
constants. A test computes what the cell under a point holds, in the units of the variable
after CF decoding (scale/offset applied), and compares it with what a server answered.

Groups of the repository ``weather`` (branch ``main``, one commit):

=========  ==================================================================================
group      variables (dimensions)
=========  ==================================================================================
gfs        t2m (time, step, lat, lon); t (time, step, level, lat, lon);
           t2m_ens (member, time, step, lat, lon). lat 90 -> -90 (descending), lon 0..358.
era5       t2m (time, lat, lon): 52,608 hourly steps 2000-01-01T00 .. 2005-12-31T23.
hrrr       dswrf (time, step, y, x) on a Lambert conformal conic grid, 2-D latitude/longitude.
cmip       tas (member, time, lat, lon): int16 packed, scale 0.01, offset 273.15, _FillValue
           -32767 where lat <= -80; calendar ``noleap``.
cmip360    pr (time, lat, lon): calendar ``360_day`` (has 2024-02-29 and 2024-02-30).
daily      t2m (time, lat, lon): 365 daily steps of 2023 over the contiguous US at 0.25 degrees,
           lon 235..295 (0..360), lat 50 -> 25; one chunk holds every day of 20 x 20 cells (the
           zonal statistics benchmark: county-sized polygons x a year).
=========  ==================================================================================

Nearest cell: ``nearest_cell`` rounds to the closest grid point; longitudes are taken in
either -180..180 or 0..360 and wrap around the globe (every lon axis here is global), latitudes
are clamped to the grid. A point exactly half-way between two cells is ambiguous: tests should
use points inside a cell, not on its edge.
"""

from __future__ import annotations

import math

REPO = "weather"

# --- grids -----------------------------------------------------------------------------------


class Grid:
    """A regular lon/lat grid of cell centres: lon0 + i*dlon, lat0 + j*dlat."""

    def __init__(self, lon0: float, dlon: float, nlon: int, lat0: float, dlat: float, nlat: int):
        self.lon0, self.dlon, self.nlon = lon0, dlon, nlon
        self.lat0, self.dlat, self.nlat = lat0, dlat, nlat

    def lons(self) -> list[float]:
        return [self.lon0 + i * self.dlon for i in range(self.nlon)]

    def lats(self) -> list[float]:
        return [self.lat0 + j * self.dlat for j in range(self.nlat)]

    @property
    def is_global(self) -> bool:
        return abs(self.nlon * self.dlon - 360.0) < 1e-9

    def lon_index(self, lon: float) -> int:
        offset = (lon - self.lon0) / self.dlon
        if self.is_global:
            return int(math.floor(offset + 0.5)) % self.nlon
        return min(max(int(math.floor(offset + 0.5)), 0), self.nlon - 1)

    def lat_index(self, lat: float) -> int:
        j = int(math.floor((lat - self.lat0) / self.dlat + 0.5))
        return min(max(j, 0), self.nlat - 1)

    def nearest(self, lon: float, lat: float) -> tuple[float, float, int, int]:
        """(grid lon, grid lat, lon index, lat index) of the cell nearest to (lon, lat)."""
        i, j = self.lon_index(lon), self.lat_index(lat)
        return self.lon0 + i * self.dlon, self.lat0 + j * self.dlat, i, j


GFS_GRID = Grid(0.0, 2.0, 180, 90.0, -2.0, 91)        # lon 0..358, lat 90 -> -90
ERA5_GRID = Grid(0.0, 30.0, 12, 90.0, -30.0, 7)       # lon 0..330, lat 90 -> -90
CMIP_GRID = Grid(0.0, 10.0, 36, 90.0, -10.0, 19)      # lon 0..350, lat 90 -> -90

DAILY_GRID = Grid(235.0, 0.25, 241, 50.0, -0.25, 101)  # lon 235..295 (0..360), lat 50 -> 25: regional

GRIDS = {"gfs": GFS_GRID, "era5": ERA5_GRID, "cmip": CMIP_GRID, "cmip360": CMIP_GRID, "daily": DAILY_GRID}

# --- dimensions ------------------------------------------------------------------------------

GFS_TIMES = ["2024-06-01T00:00:00Z", "2024-06-01T12:00:00Z"]   # forecast start (init) times
GFS_STEPS_HOURS = [0, 3, 6, 9, 12]                               # lead times
GFS_LEVELS = [1000, 850, 500]                                   # hPa, positive down
MEMBERS = [0, 1, 2]

ERA5_START = "2000-01-01T00:00:00Z"
ERA5_STEP_HOURS = 1
ERA5_COUNT = 52608                                              # through 2005-12-31T23:00
ERA5_CHUNK = 8760

HRRR_TIMES = ["2024-06-01T00:00:00Z"]
DAILY_START = "2023-01-01T00:00:00Z"
DAILY_COUNT = 365
DAILY_CHUNK = (365, 20, 20)
HRRR_STEPS_HOURS = [0, 1, 2, 3]

# noleap: day numbers "days since 2024-01-01" on a 365-day calendar (no Feb 29).
CMIP_TIME_UNITS = "days since 2024-01-01"
CMIP_CALENDAR = "noleap"
CMIP_DAYS = ["2024-02-27", "2024-02-28", "2024-03-01", "2024-03-02"]
CMIP_TIME_VALUES = [57, 58, 59, 60]
CMIP_SCALE = 0.01
CMIP_OFFSET = 273.15
CMIP_FILL = -32767
CMIP_FILL_LAT_MAX = -80.0            # cells with lat <= this are _FillValue

CMIP360_CALENDAR = "360_day"
CMIP360_DAYS = ["2024-02-29", "2024-02-30", "2024-03-01"]
CMIP360_TIME_VALUES = [58, 59, 60]

# --- HRRR-like Lambert conformal conic grid ---------------------------------------------------

HRRR_LAT0 = 38.5
HRRR_LON0 = -97.5
HRRR_LAT1 = HRRR_LAT2 = 38.5
HRRR_RADIUS = 6371229.0              # sphere, metres
HRRR_DX = 60000.0                    # metres, both directions
HRRR_NX = 90
HRRR_NY = 54
HRRR_X0 = -2670000.0                 # first x centre; last = +2,670,000 (symmetric around 0)
HRRR_Y0 = -1590000.0                 # first y centre; last = +1,590,000; y ascends (south -> north)
HRRR_PROJ = (f"+proj=lcc +lat_0={HRRR_LAT0} +lon_0={HRRR_LON0} +lat_1={HRRR_LAT1} "
             f"+lat_2={HRRR_LAT2} +x_0=0 +y_0=0 +R={HRRR_RADIUS:.0f} +units=m +no_defs")


def hrrr_xs() -> list[float]:
    return [HRRR_X0 + i * HRRR_DX for i in range(HRRR_NX)]


def hrrr_ys() -> list[float]:
    return [HRRR_Y0 + j * HRRR_DX for j in range(HRRR_NY)]


def _lcc_constants() -> tuple[float, float, float]:
    # Snyder, Map Projections (USGS 1395), 15-1..15-3, sphere, tangent cone (lat_1 == lat_2).
    phi1 = math.radians(HRRR_LAT1)
    n = math.sin(phi1)
    f = math.cos(phi1) * math.tan(math.pi / 4 + phi1 / 2) ** n / n
    rho0 = HRRR_RADIUS * f / math.tan(math.pi / 4 + math.radians(HRRR_LAT0) / 2) ** n
    return n, f, rho0


def hrrr_forward(lon: float, lat: float) -> tuple[float, float]:
    """lon/lat (degrees) -> x/y (metres) of the HRRR-like grid's projection (HRRR_PROJ)."""
    n, f, rho0 = _lcc_constants()
    rho = HRRR_RADIUS * f / math.tan(math.pi / 4 + math.radians(lat) / 2) ** n
    dlon = (lon - HRRR_LON0 + 180.0) % 360.0 - 180.0
    theta = n * math.radians(dlon)
    return rho * math.sin(theta), rho0 - rho * math.cos(theta)


def hrrr_inverse(x: float, y: float) -> tuple[float, float]:
    """x/y (metres) -> lon/lat (degrees, lon in -180..180)."""
    n, f, rho0 = _lcc_constants()
    rho = math.copysign(math.hypot(x, rho0 - y), n)
    theta = math.atan2(x, rho0 - y)
    lat = 2 * math.atan((HRRR_RADIUS * f / rho) ** (1 / n)) - math.pi / 2
    lon = HRRR_LON0 + math.degrees(theta / n)
    return (lon + 180.0) % 360.0 - 180.0, math.degrees(lat)


def hrrr_nearest_xy(x: float, y: float) -> tuple[float, float, int, int]:
    """(x, y, x index, y index) of the grid cell nearest to projected (x, y), clamped."""
    i = min(max(int(math.floor((x - HRRR_X0) / HRRR_DX + 0.5)), 0), HRRR_NX - 1)
    j = min(max(int(math.floor((y - HRRR_Y0) / HRRR_DX + 0.5)), 0), HRRR_NY - 1)
    return HRRR_X0 + i * HRRR_DX, HRRR_Y0 + j * HRRR_DX, i, j


def hrrr_inside(x: float, y: float) -> bool:
    half = HRRR_DX / 2
    return (HRRR_X0 - half <= x <= HRRR_X0 + (HRRR_NX - 1) * HRRR_DX + half
            and HRRR_Y0 - half <= y <= HRRR_Y0 + (HRRR_NY - 1) * HRRR_DX + half)


def dswrf_at_xy(x: float, y: float, *, step_hours: int = 0, time_index: int = 0) -> float:
    """dswrf of the cell nearest to projected (x, y): 500 + x_km/10 + y_km/100 + 10*step_hours."""
    _check(step_hours in HRRR_STEPS_HOURS, f"step_hours {step_hours} not in {HRRR_STEPS_HOURS}")
    _check(0 <= time_index < len(HRRR_TIMES), f"time_index {time_index} out of range")
    gx, gy, _, _ = hrrr_nearest_xy(x, y)
    return 500.0 + gx / 1000.0 / 10.0 + gy / 1000.0 / 100.0 + 10.0 * step_hours


# --- values ----------------------------------------------------------------------------------


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


def nearest_cell(group: str, lon: float, lat: float) -> dict:
    """The cell nearest to (lon, lat): {"lon", "lat", "i", "j"} (i along lon/x, j along lat/y).

    For ``hrrr`` (lon, lat) is projected first and the answer also has "x" and "y" (metres);
    "lon"/"lat" are then the cell centre's geographic coordinates.
    """
    if group == "hrrr":
        x, y = hrrr_forward(lon, lat)
        gx, gy, i, j = hrrr_nearest_xy(x, y)
        clon, clat = hrrr_inverse(gx, gy)
        return {"lon": clon, "lat": clat, "i": i, "j": j, "x": gx, "y": gy}
    _check(group in GRIDS, f"unknown group {group!r}; known: {sorted(GRIDS) + ['hrrr']}")
    if group == "daily":
        lon = lon % 360.0  # a regional grid in 0..360: no wrap-around in Grid.nearest
    glon, glat, i, j = GRIDS[group].nearest(lon, lat)
    return {"lon": glon, "lat": glat, "i": i, "j": j}


# -- flux-demo/climate's air: the one formula the demo's data is written from and tests check ----
# Continents as ellipses (centre lon, centre lat, half-width in lon, half-height in lat, degrees):
# enough for the demo's map to read as Earth under QGIS's world outlines.
CONTINENTS = ((-100.0, 47.0, 32.0, 20.0), (-45.0, 72.0, 14.0, 9.0), (-62.0, -14.0, 16.0, 26.0),
              (18.0, 4.0, 19.0, 31.0), (85.0, 52.0, 62.0, 18.0), (134.0, -25.0, 16.0, 11.0))
COMMIT_OFFSETS = {"c1": 0.0, "c2": 2.0, "c3": 4.0, "c4": 6.0}  # each commit of climate: + this


def land(lon: float, lat: float) -> float:
    """0 (sea) .. 1 (land), with a soft edge a few degrees wide: the continents and Antarctica."""
    found = 1.0 / (1.0 + math.exp(min(50.0, (lat + 70.0) / 2.0)))  # Antarctica, south of ~70 S
    for clon, clat, rlon, rlat in CONTINENTS:
        dlon = (lon - clon + 180.0) % 360.0 - 180.0
        r2 = (dlon / rlon) ** 2 + ((lat - clat) / rlat) ** 2
        if r2 < 6.0:
            found = max(found, 1.0 / (1.0 + math.exp(4.0 * (r2 - 1.0))))
    return found


def air(lon: float, lat: float, t: float = 0.0, version: str = "c3") -> float:
    """climate's air (K) on day t (0 = 2024-01-01) at a cell centre, for a commit (main is c3):
    colder towards the poles; in January the northern continents colder than their seas and the
    southern ones warmer; a wave of weather moving east day by day (8 K)."""
    rlat = math.radians(lat)
    return (250.0 + COMMIT_OFFSETS[version] + 40.0 * math.cos(rlat) - 14.0 * land(lon, lat) * math.sin(rlat)
            + 8.0 * math.sin(3.0 * math.radians(lon) + t))


def gfs_t2m(glon: float, glat: float, step_hours: float, time_index: int) -> float:
    return 200.0 + glon / 4.0 + (glat + 90.0) / 10.0 + step_hours + 20.0 * time_index


def era5_t2m(glon: float, glat: float, hour_index: int) -> float:
    return 250.0 + (hour_index % 1000) / 10.0 + glon / 30.0 + (glat + 90.0) / 30.0


def daily_t2m(glon: float, glat: float, day_index: int) -> float:
    """Warmer to the south, a seasonal cycle (coldest mid-January), a little warmer to the east."""
    return 300.0 - 0.8 * (glat - 25.0) + (glon - 235.0) / 20.0 \
        - 12.0 * math.cos(2.0 * math.pi * (day_index - 15) / 365.0)


def cmip_tas(glon: float, glat: float, day_index: int, member: int) -> float | None:
    if glat <= CMIP_FILL_LAT_MAX:
        return None
    return round(CMIP_OFFSET + glon / 10.0 + glat / 10.0 + day_index + 2.0 * member, 2)


def cmip360_pr(glon: float, glat: float, day_index: int) -> float:
    return glon / 100.0 + (glat + 90.0) / 100.0 + day_index


VARIABLES = {
    "gfs": ["t2m", "t", "t2m_ens"],
    "era5": ["t2m"],
    "hrrr": ["dswrf"],
    "cmip": ["tas"],
    "cmip360": ["pr"],
    "daily": ["t2m"],
}


def expected(group: str, variable: str, *, lon: float, lat: float, time_index: int = 0,
             step_hours: float = 0, level: float | None = None, member: int = 0) -> float | None:
    """The decoded value of ``variable`` in the cell nearest to (lon, lat).

    ``time_index`` indexes the group's time axis (for era5: hours since 2000-01-01T00); ``None``
    means a _FillValue cell (cmip south of -80). Raises ValueError for values off the axes.
    """
    _check(variable in VARIABLES.get(group, ()),
           f"unknown variable {group}/{variable}; known: {VARIABLES}")
    if group == "hrrr":
        x, y = hrrr_forward(lon, lat)
        return dswrf_at_xy(x, y, step_hours=step_hours, time_index=time_index)
    cell = nearest_cell(group, lon, lat)
    glon, glat = cell["lon"], cell["lat"]
    if group == "gfs":
        _check(0 <= time_index < len(GFS_TIMES), f"time_index {time_index} out of range")
        _check(step_hours in GFS_STEPS_HOURS, f"step_hours {step_hours} not in {GFS_STEPS_HOURS}")
        value = gfs_t2m(glon, glat, step_hours, time_index)
        if variable == "t":
            _check(level in GFS_LEVELS, f"level {level} not in {GFS_LEVELS}")
            value -= (1000.0 - level) / 10.0
        elif variable == "t2m_ens":
            _check(member in MEMBERS, f"member {member} not in {MEMBERS}")
            value += 5.0 * member
        return value
    if group == "era5":
        _check(0 <= time_index < ERA5_COUNT, f"time_index {time_index} out of range")
        return era5_t2m(glon, glat, time_index)
    if group == "daily":
        _check(0 <= time_index < DAILY_COUNT, f"time_index {time_index} out of range")
        return daily_t2m(glon, glat, time_index)
    if group == "cmip":
        _check(0 <= time_index < len(CMIP_DAYS), f"time_index {time_index} out of range")
        _check(member in MEMBERS, f"member {member} not in {MEMBERS}")
        return cmip_tas(glon, glat, time_index, member)
    _check(0 <= time_index < len(CMIP360_DAYS), f"time_index {time_index} out of range")
    return cmip360_pr(glon, glat, time_index)


def era5_time(hour_index: int) -> str:
    """ISO time (Z) of era5's hour_index, without datetime's calendar doubts (it is standard)."""
    import datetime as dt

    start = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    return (start + dt.timedelta(hours=hour_index)).strftime("%Y-%m-%dT%H:%M:%SZ")


def daily_time(day_index: int) -> str:
    """ISO time (Z) of the daily group's day_index (2023-01-01 is 0)."""
    import datetime as dt

    return (dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(days=day_index)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def manifest_groups() -> dict:
    """What the manifest says about each group of ``weather`` (small: era5's axis as a rule)."""
    def latlon(grid: Grid) -> dict:
        return {"lon": {"start": grid.lon0, "step": grid.dlon, "count": grid.nlon},
                "lat": {"start": grid.lat0, "step": grid.dlat, "count": grid.nlat}}

    return {
        "gfs": {
            "variables": VARIABLES["gfs"],
            "times": GFS_TIMES,
            "dimensions": {"step": [f"{h} hours" for h in GFS_STEPS_HOURS],
                           "level": [str(v) for v in GFS_LEVELS],
                           "member": [str(m) for m in MEMBERS]},
            "grid": latlon(GFS_GRID),
        },
        "era5": {
            "variables": VARIABLES["era5"],
            "time_axis": {"start": ERA5_START, "step": "1 hours", "count": ERA5_COUNT,
                          "end": era5_time(ERA5_COUNT - 1), "chunk": ERA5_CHUNK},
            "grid": latlon(ERA5_GRID),
        },
        "hrrr": {
            "variables": VARIABLES["hrrr"],
            "times": HRRR_TIMES,
            "dimensions": {"step": [f"{h} hours" for h in HRRR_STEPS_HOURS]},
            "grid": {"proj": HRRR_PROJ,
                     "x": {"start": HRRR_X0, "step": HRRR_DX, "count": HRRR_NX},
                     "y": {"start": HRRR_Y0, "step": HRRR_DX, "count": HRRR_NY}},
        },
        "cmip": {
            "variables": VARIABLES["cmip"],
            "times": CMIP_DAYS, "calendar": CMIP_CALENDAR, "time_units": CMIP_TIME_UNITS,
            "time_values": CMIP_TIME_VALUES,
            "dimensions": {"member": [str(m) for m in MEMBERS]},
            "packing": {"dtype": "int16", "scale_factor": CMIP_SCALE, "add_offset": CMIP_OFFSET,
                        "_FillValue": CMIP_FILL},
            "grid": latlon(CMIP_GRID),
        },
        "cmip360": {
            "variables": VARIABLES["cmip360"],
            "times": CMIP360_DAYS, "calendar": CMIP360_CALENDAR, "time_units": CMIP_TIME_UNITS,
            "time_values": CMIP360_TIME_VALUES,
            "grid": latlon(CMIP_GRID),
        },
        "daily": {
            "variables": VARIABLES["daily"],
            "time_axis": {"start": DAILY_START, "step": "1 days", "count": DAILY_COUNT,
                          "end": daily_time(DAILY_COUNT - 1)},
            "grid": latlon(DAILY_GRID),
        },
    }
