"""Spatial statistics planners publish.

Kernel density, centres, the standard deviational ellipse, the nearest-neighbour index, Ripley's K/L and
Getis-Ord Gi* hot spots.

All of it is computed on EPSG:4547 coordinates in metres with vectorised
numpy/scipy (binned FFT kernel density, cKDTree neighbour counts, convolution
for grid Gi*), so the same calls handle a million points.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from ..crs import WGS84
from .checks import check_layer, layer_or_default
from .precision import documents_coarsest, located, located_mask
from .projection import metric_geometry, metric_to_wgs84, metric_xy, region_geometry, to_wgs84_points
from .stats import count_platforms

__all__ = [
    "DensitySurface",
    "kernel_density",
    "density_contours",
    "mean_centre",
    "median_centre",
    "standard_deviational_ellipse",
    "nearest_neighbour_index",
    "ripley",
    "hot_spots",
    "hot_spots_by_area",
]


def _weights(points: gpd.GeoDataFrame, weights) -> np.ndarray | None:
    if weights is None:
        return None
    w = points[weights].to_numpy(dtype=float) if isinstance(weights, str) else np.asarray(weights, dtype=float)
    if w.shape != (len(points),) or (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must be one non-negative number per point with a positive sum")
    return w


def _located_points(points, coarsest: str | None, weights=None) -> tuple[gpd.GeoDataFrame, object]:
    """Checked points filtered by location precision, with an array of weights filtered alongside them."""
    points = check_layer(points, "points", "Point")
    keep = located_mask(points, coarsest)
    if keep is not None and weights is not None and not isinstance(weights, str):
        w = np.asarray(weights, dtype=float)
        if w.shape == (len(points),):
            weights = w[keep]
    return located(points, coarsest, "points"), weights


# ---------------------------------------------------------------- kernel density


@dataclass
class DensitySurface:
    """A kernel density grid in EPSG:4547.

    Attributes
    ----------
    x_m, y_m : numpy.ndarray
        Grid node coordinates (metres, EPSG:4547), increasing.
    density_per_km2 : numpy.ndarray
        Shape ``(len(y_m), len(x_m))``: expected points (or weight) per km².
    bandwidth_m, cell_m : float
        Gaussian kernel standard deviation and grid spacing in metres.
    """

    x_m: np.ndarray
    y_m: np.ndarray
    density_per_km2: np.ndarray
    bandwidth_m: float
    cell_m: float

    def to_frame(self, min_density: float = 0.0) -> gpd.GeoDataFrame:
        """Grid cells (squares centred on the nodes) as WGS-84 polygons with ``density_per_km2``."""
        yy, xx = np.meshgrid(self.y_m, self.x_m, indexing="ij")
        keep = self.density_per_km2 > min_density
        half = self.cell_m / 2
        boxes = shapely.box(xx[keep] - half, yy[keep] - half, xx[keep] + half, yy[keep] + half)
        return gpd.GeoDataFrame(
            {"density_per_km2": self.density_per_km2[keep]}, geometry=list(metric_to_wgs84(boxes)), crs=WGS84
        )

    def at(self, lon, lat) -> np.ndarray:
        """Density per km² at WGS-84 positions (bilinear interpolation on the grid)."""
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(np.atleast_1d(lon), np.atleast_1d(lat)), crs=WGS84)
        xy = metric_xy(pts)
        fx = (xy[:, 0] - self.x_m[0]) / self.cell_m
        fy = (xy[:, 1] - self.y_m[0]) / self.cell_m
        from scipy import ndimage  # imported when used: scipy's submodules take seconds to import

        return ndimage.map_coordinates(self.density_per_km2, [fy, fx], order=1, mode="constant", cval=0.0)


@documents_coarsest
def _fast_len(n: int) -> int:
    """Smallest 2^a 3^b 5^c >= n: an FFT length numpy transforms quickly."""
    best = 1 << max(n - 1, 0).bit_length()
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            m = p35 * (1 << max(0, (-(-n // p35) - 1).bit_length()))
            best = min(best, m)
            p35 *= 3
        p5 *= 5
    return best


def _fftconvolve_same(a: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``scipy.signal.fftconvolve(a, kernel, mode="same")`` with numpy's FFT (scipy.signal takes ~3 s to import)."""
    full = [a.shape[i] + kernel.shape[i] - 1 for i in range(2)]
    shape = [_fast_len(n) for n in full]
    out = np.fft.irfft2(np.fft.rfft2(a, shape) * np.fft.rfft2(kernel, shape), shape)
    r0, c0 = (kernel.shape[0] - 1) // 2, (kernel.shape[1] - 1) // 2
    return out[r0 : r0 + a.shape[0], c0 : c0 + a.shape[1]]


def kernel_density(
    points: gpd.GeoDataFrame,
    bandwidth_m: float = 2000.0,
    cell_m: float = 250.0,
    region=None,
    weights=None,
    *,
    coarsest: str | None = "zone",
) -> DensitySurface:
    """Gaussian kernel density surface (points per km²) on a regular metric grid.

    Points are linearly binned onto the grid and convolved with the Gaussian
    kernel by FFT (numpy, as ``scipy.signal.fftconvolve``): O(n + grid), so a million
    points take about a second. The result integrates to the number of
    points (or the total weight).

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Points in any CRS.
    bandwidth_m : float
        Standard deviation of the Gaussian kernel in metres.
    cell_m : float
        Grid spacing in metres (keep it ≤ bandwidth / 4 for accuracy).
    region : GeoDataFrame or shapely polygon (WGS-84), optional
        Grid extent = the region's bounds; defaults to the points' bounds
        padded by 3 bandwidths.
    weights : str or array_like, optional
        Column name or one weight per input point.
    {coarsest}

    Returns
    -------
    DensitySurface

    Examples
    --------
    >>> import gzgeo
    >>> surface = kernel_density(gzgeo.load("platforms"), bandwidth_m=2000, cell_m=500)
    >>> total = surface.density_per_km2.sum() * (0.5 * 0.5)  # integrates to the located platform count
    >>> n_located = len(located(gzgeo.load("platforms")))
    >>> bool(abs(total - n_located) < 0.01 * n_located)
    True
    """
    points, weights = _located_points(points, coarsest, weights)
    if bandwidth_m <= 0 or cell_m <= 0:
        raise ValueError("bandwidth_m and cell_m must be positive")
    xy = metric_xy(points)
    w = _weights(points, weights)
    if region is not None:
        minx, miny, maxx, maxy = region_geometry(region).bounds
    else:
        pad = 3 * bandwidth_m
        minx, miny = xy.min(axis=0) - pad
        maxx, maxy = xy.max(axis=0) + pad
    x = np.arange(minx, maxx + cell_m, cell_m)
    y = np.arange(miny, maxy + cell_m, cell_m)
    if x.size * y.size > 50_000_000:
        raise ValueError("grid too large: raise cell_m or pass a smaller region")
    # Linear binning: spread each point over its four surrounding nodes.
    fx = (xy[:, 0] - x[0]) / cell_m
    fy = (xy[:, 1] - y[0]) / cell_m
    ix, iy = np.floor(fx).astype(np.int64), np.floor(fy).astype(np.int64)
    dx, dy = fx - ix, fy - iy
    base = np.ones(len(xy)) if w is None else w
    grid = np.zeros(y.size * x.size)
    for ox, oy, share in ((0, 0, (1 - dx) * (1 - dy)), (1, 0, dx * (1 - dy)), (0, 1, (1 - dx) * dy), (1, 1, dx * dy)):
        jx, jy = ix + ox, iy + oy
        ok = (jx >= 0) & (jx < x.size) & (jy >= 0) & (jy < y.size)
        grid += np.bincount(jy[ok] * x.size + jx[ok], weights=(base * share)[ok], minlength=grid.size)
    grid = grid.reshape(y.size, x.size)
    reach = int(np.ceil(4 * bandwidth_m / cell_m))
    offsets = np.arange(-reach, reach + 1) * cell_m
    kx = np.exp(-0.5 * (offsets / bandwidth_m) ** 2)
    kernel = np.outer(kx, kx)
    kernel /= kernel.sum() * cell_m * cell_m  # discrete kernel integrates to exactly 1 (per m²)
    density = _fftconvolve_same(grid, kernel)
    density = np.clip(density, 0.0, None) * 1e6
    return DensitySurface(x_m=x, y_m=y, density_per_km2=density, bandwidth_m=float(bandwidth_m), cell_m=float(cell_m))


def density_contours(surface: DensitySurface, levels) -> gpd.GeoDataFrame:
    """Polygons where the density is at least each level (nested, highest inside).

    Parameters
    ----------
    surface : DensitySurface
        From :func:`kernel_density`.
    levels : iterable of float
        Density thresholds in points per km².

    Returns
    -------
    geopandas.GeoDataFrame
        WGS-84, one (Multi)Polygon per level with ``level_per_km2`` and ``area_km2``.

    Examples
    --------
    >>> import gzgeo
    >>> surface = kernel_density(gzgeo.load("platforms"), bandwidth_m=2000, cell_m=500)
    >>> rings = density_contours(surface, [0.05, 0.2])
    >>> bool(rings["area_km2"].is_monotonic_decreasing)
    True
    """
    import contourpy

    levels = np.asarray(list(levels), dtype=float)
    if levels.size == 0:
        raise ValueError("give at least one level")
    gen = contourpy.contour_generator(
        surface.x_m, surface.y_m, surface.density_per_km2, fill_type=contourpy.FillType.OuterOffset
    )
    upper = max(float(np.nanmax(surface.density_per_km2)), float(levels.max())) + 1.0
    shapes = []
    for level in levels:
        points_list, offsets_list = gen.filled(level, upper)
        polygons = []
        for pts, offs in zip(points_list, offsets_list, strict=True):
            rings = [pts[offs[i] : offs[i + 1]] for i in range(len(offs) - 1)]
            polygons.append(shapely.make_valid(shapely.Polygon(rings[0], rings[1:])))
        shapes.append(shapely.union_all(polygons) if polygons else shapely.Polygon())
    shapes = np.array(shapes, dtype=object)
    return gpd.GeoDataFrame(
        {"level_per_km2": levels, "area_km2": shapely.area(shapes) / 1e6},
        geometry=list(metric_to_wgs84(shapes)),
        crs=WGS84,
    )


# ---------------------------------------------------------------- centres and ellipse


def _centre_frame(xy_centre: np.ndarray, n: int, kind: str) -> gpd.GeoDataFrame:
    point = to_wgs84_points(xy_centre.reshape(1, 2))
    return gpd.GeoDataFrame(
        {
            "kind": [kind],
            "n": [n],
            "x_m": [xy_centre[0]],
            "y_m": [xy_centre[1]],
            "lon": shapely.get_x(point),
            "lat": shapely.get_y(point),
        },
        geometry=list(point),
        crs=WGS84,
    )


@documents_coarsest
def mean_centre(points: gpd.GeoDataFrame, weights=None, *, coarsest: str | None = "zone") -> gpd.GeoDataFrame:
    """(Weighted) mean centre, computed in EPSG:4547.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Points in any CRS.
    weights : str or array_like, optional
        Column name or one weight per input point.
    {coarsest}

    Returns
    -------
    geopandas.GeoDataFrame
        One WGS-84 point with ``kind``, ``n``, ``x_m``, ``y_m`` (EPSG:4547), ``lon``, ``lat``.

    Examples
    --------
    >>> import gzgeo
    >>> c = mean_centre(gzgeo.load("platforms"))
    >>> 112.9 < float(c["lon"].iloc[0]) < 114.1 and 22.5 < float(c["lat"].iloc[0]) < 24.0
    True
    """
    points, weights = _located_points(points, coarsest, weights)
    xy = metric_xy(points)
    centre = np.average(xy, axis=0, weights=_weights(points, weights))
    return _centre_frame(centre, len(xy), "mean_centre")


@documents_coarsest
def median_centre(
    points: gpd.GeoDataFrame, weights=None, tol_m: float = 1e-3, *, coarsest: str | None = "zone"
) -> gpd.GeoDataFrame:
    """(Weighted) median centre: the point minimising the sum of distances (Weiszfeld iteration).

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Points in any CRS.
    weights : str or array_like, optional
        Column name or one weight per input point.
    tol_m : float
        Convergence tolerance in metres.
    {coarsest}

    Returns
    -------
    geopandas.GeoDataFrame
        One WGS-84 point with ``kind``, ``n``, ``x_m``, ``y_m``, ``lon``, ``lat``.

    Examples
    --------
    >>> import gzgeo
    >>> c = median_centre(gzgeo.load("platforms"))
    >>> c["kind"].iloc[0]
    'median_centre'
    """
    points, weights = _located_points(points, coarsest, weights)
    xy = metric_xy(points)
    w = _weights(points, weights)
    w = np.ones(len(xy)) if w is None else w
    centre = np.average(xy, axis=0, weights=w)
    for _ in range(1000):
        d = np.hypot(*(xy - centre).T)
        d = np.maximum(d, 1e-9)  # a centre on a point: that point's pull is capped, not infinite
        coef = w / d
        new = (xy * coef[:, None]).sum(axis=0) / coef.sum()
        if np.hypot(*(new - centre)) < tol_m:
            centre = new
            break
        centre = new
    # Polish with a general optimiser: Weiszfeld can stall next to a data point.
    from scipy.optimize import minimize  # imported when used (~1 s)

    res = minimize(
        lambda c: np.sum(w * np.hypot(xy[:, 0] - c[0], xy[:, 1] - c[1])),
        centre,
        method="Nelder-Mead",
        options={"xatol": tol_m, "fatol": 1e-9, "maxiter": 2000},
    )
    if res.fun < np.sum(w * np.hypot(*(xy - centre).T)):
        centre = res.x
    return _centre_frame(np.asarray(centre), len(xy), "median_centre")


_ELLIPSE_CORRECTIONS = ("arcgis", "crimestat", "none")


@documents_coarsest
def standard_deviational_ellipse(
    points: gpd.GeoDataFrame,
    weights=None,
    correction: str = "arcgis",
    segments: int = 72,
    *,
    coarsest: str | None = "zone",
) -> gpd.GeoDataFrame:
    """1-standard-deviation ellipse of a point pattern (direction and spread), in metres.

    The semi-axes are the standard deviations along the principal axes of the
    (weighted) coordinates. ``correction="arcgis"`` multiplies them by √2 (as
    ArcGIS's Directional Distribution tool does), ``"crimestat"`` by
    √2·√(n/(n−2)), ``"none"`` leaves the raw standard deviations.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Points in any CRS (at least 3 after precision filtering).
    weights : str or array_like, optional
        Column name or one weight per input point.
    correction : {"arcgis", "crimestat", "none"}
        Scaling of the semi-axes (see above).
    segments : int
        Vertices of the ellipse polygon.
    {coarsest}

    Returns
    -------
    geopandas.GeoDataFrame
        One WGS-84 polygon with ``n``, ``centre_lon``, ``centre_lat``,
        ``semi_major_m``, ``semi_minor_m``, ``rotation_deg`` (clockwise from
        north to the major axis, 0–180), ``flattening`` (1 − minor/major) and ``area_km2``.

    Examples
    --------
    >>> import gzgeo
    >>> e = standard_deviational_ellipse(gzgeo.load("platforms"))
    >>> bool(e["semi_major_m"].iloc[0] >= e["semi_minor_m"].iloc[0] > 0)
    True
    """
    points, weights = _located_points(points, coarsest, weights)
    if correction not in _ELLIPSE_CORRECTIONS:
        raise ValueError(f"correction must be one of {_ELLIPSE_CORRECTIONS}")
    xy = metric_xy(points)
    n = len(xy)
    if n < 3:
        raise ValueError("the ellipse needs at least 3 points")
    w = _weights(points, weights)
    w = np.ones(n) if w is None else w
    centre = np.average(xy, axis=0, weights=w)
    d = xy - centre
    cov = (d * w[:, None]).T @ d / w.sum()
    eigval, eigvec = np.linalg.eigh(cov)  # ascending
    minor_sd, major_sd = np.sqrt(np.maximum(eigval, 0.0))
    vx, vy = eigvec[:, 1]
    factor = {"arcgis": np.sqrt(2.0), "crimestat": np.sqrt(2.0) * np.sqrt(n / (n - 2)), "none": 1.0}[correction]
    major, minor = major_sd * factor, minor_sd * factor
    rotation = np.degrees(np.arctan2(vx, vy)) % 180.0
    t = np.linspace(0, 2 * np.pi, segments, endpoint=False)
    ux, uy = np.array([vx, vy]), np.array([-vy, vx])
    ring = centre + np.outer(major * np.cos(t), ux) + np.outer(minor * np.sin(t), uy)
    shape = shapely.Polygon(ring)
    centre_wgs = to_wgs84_points(centre.reshape(1, 2))
    return gpd.GeoDataFrame(
        {
            "n": [n],
            "centre_lon": shapely.get_x(centre_wgs),
            "centre_lat": shapely.get_y(centre_wgs),
            "semi_major_m": [major],
            "semi_minor_m": [minor],
            "rotation_deg": [rotation],
            "flattening": [1 - minor / major if major > 0 else 0.0],
            "area_km2": [np.pi * major * minor / 1e6],
        },
        geometry=list(metric_to_wgs84(np.array([shape], dtype=object))),
        crs=WGS84,
    )


# ---------------------------------------------------------------- point-pattern statistics


def _study_area_m2(region, area_km2: float | None) -> float:
    if area_km2 is not None:
        if area_km2 <= 0:
            raise ValueError("area_km2 must be positive")
        return float(area_km2) * 1e6
    return float(region_geometry(region).area)


@documents_coarsest
def nearest_neighbour_index(
    points: gpd.GeoDataFrame, region=None, area_km2: float | None = None, *, coarsest: str | None = "zone"
) -> pd.DataFrame:
    """Average nearest-neighbour index (Clark–Evans) with z-score and p-value.

    R = observed mean nearest-neighbour distance / expected 0.5·√(A/n);
    SE = 0.26136·√(A/n²); z = (observed − expected) / SE; two-sided normal
    p-value. R < 1 means clustered, R > 1 dispersed. No edge correction.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Points in any CRS (at least 2).
    region : GeoDataFrame or shapely polygon (WGS-84), optional
        Study area A; defaults to the city of Guangzhou.
    area_km2 : float, optional
        Study area given directly (overrides ``region``).
    {coarsest}

    Returns
    -------
    pandas.DataFrame
        One row: ``n``, ``area_km2``, ``observed_mean_dist_m``,
        ``expected_mean_dist_m``, ``nni``, ``z_score``, ``p_value``, ``pattern``.

    Examples
    --------
    >>> import gzgeo
    >>> nni = nearest_neighbour_index(gzgeo.load("platforms"))
    >>> nni["pattern"].iloc[0]  # innovation platforms are clustered at the city scale
    'clustered'
    """
    points, _ = _located_points(points, coarsest)
    xy = metric_xy(points)
    n = len(xy)
    if n < 2:
        raise ValueError("the nearest-neighbour index needs at least 2 points")
    area = _study_area_m2(region, area_km2)
    dist, _ = cKDTree(xy).query(xy, k=2)
    observed = float(dist[:, 1].mean())
    expected = 0.5 * np.sqrt(area / n)
    se = 0.26136 * np.sqrt(area / n**2)
    z = (observed - expected) / se
    from scipy import stats  # imported when used (~1.5 s)

    p = 2 * stats.norm.sf(abs(z))
    pattern = "random" if p >= 0.05 else ("clustered" if z < 0 else "dispersed")
    return pd.DataFrame(
        [
            {
                "n": n,
                "area_km2": area / 1e6,
                "observed_mean_dist_m": observed,
                "expected_mean_dist_m": expected,
                "nni": observed / expected,
                "z_score": z,
                "p_value": p,
                "pattern": pattern,
            }
        ]
    )


@documents_coarsest
def ripley(
    points: gpd.GeoDataFrame, distances_m, region=None, area_km2: float | None = None, *, coarsest: str | None = "zone"
) -> pd.DataFrame:
    """Ripley's K and L functions over a range of distances (no edge correction).

    K(d) = A / (n(n−1)) · #{ordered pairs i≠j with d_ij ≤ d}, L(d) = √(K/π).
    Pairs are counted with ``cKDTree.count_neighbors`` (dual-tree), never
    from a full distance matrix. Under complete spatial randomness K ≈ πd²
    and L ≈ d; without edge correction both are biased low near the study-area edge.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Points in any CRS (at least 2 after precision filtering).
    distances_m : float or iterable of float
        Distances in metres.
    region : GeoDataFrame or shapely polygon (WGS-84), optional
        Study area A; defaults to the city of Guangzhou.
    area_km2 : float, optional
        Study area given directly (overrides ``region``).
    {coarsest}

    Returns
    -------
    pandas.DataFrame
        ``distance_m``, ``pairs`` (unordered pairs within d), ``k_m2``,
        ``csr_k_m2`` (πd²), ``l_m`` and ``l_minus_d_m`` (> 0: clustering at that scale).

    Examples
    --------
    >>> import gzgeo
    >>> table = ripley(gzgeo.load("platforms"), [1000, 2000, 5000])
    >>> bool(table["k_m2"].is_monotonic_increasing)
    True
    """
    points, _ = _located_points(points, coarsest)
    xy = metric_xy(points)
    n = len(xy)
    if n < 2:
        raise ValueError("Ripley's K needs at least 2 points")
    d = np.asarray(list(np.atleast_1d(distances_m)), dtype=float)
    if (d <= 0).any():
        raise ValueError("distances_m must be positive")
    area = _study_area_m2(region, area_km2)
    tree = cKDTree(xy)
    ordered = tree.count_neighbors(tree, d).astype(float) - n  # remove the n self-pairs
    k = area * ordered / (n * (n - 1))
    l_values = np.sqrt(k / np.pi)
    return pd.DataFrame(
        {
            "distance_m": d,
            "pairs": (ordered / 2).astype(np.int64),
            "k_m2": k,
            "csr_k_m2": np.pi * d**2,
            "l_m": l_values,
            "l_minus_d_m": l_values - d,
        }
    )


# ---------------------------------------------------------------- Getis-Ord Gi*


def _gi_star(values: np.ndarray, neighbour_sum: np.ndarray, cardinality: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gi* z-scores with binary weights that include the cell itself (Getis & Ord 1995)."""
    n = values.size
    mean = values.mean()
    s = np.sqrt((values**2).mean() - mean**2)
    denom = s * np.sqrt((n * cardinality - cardinality**2) / (n - 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (neighbour_sum - mean * cardinality) / denom
    z = np.where(denom > 0, z, 0.0)
    from scipy import stats  # imported when used (~1.5 s)

    return z, 2 * stats.norm.sf(np.abs(z))


def _classify(z: np.ndarray, p: np.ndarray) -> np.ndarray:
    label = np.full(z.shape, "not significant", dtype=object)
    for threshold, confidence in ((0.10, "90%"), (0.05, "95%"), (0.01, "99%")):
        label[(p < threshold) & (z > 0)] = f"hot spot {confidence}"
        label[(p < threshold) & (z < 0)] = f"cold spot {confidence}"
    return label


@documents_coarsest
def hot_spots(
    points: gpd.GeoDataFrame,
    cell_m: float = 1000.0,
    region=None,
    neighbourhood_m: float | None = None,
    weights=None,
    *,
    coarsest: str | None = "zone",
) -> gpd.GeoDataFrame:
    """Getis-Ord Gi* hot spots of point counts on a regular grid.

    The grid covers ``region`` (default: the city); only cells whose centre
    lies in the region take part. Each cell's neighbourhood is itself plus
    every cell whose centre lies within ``neighbourhood_m`` (default
    1.5 × ``cell_m``, i.e. the 8 queen neighbours), with binary weights.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Points in any CRS.
    cell_m : float
        Grid cell size in metres.
    region : GeoDataFrame or shapely polygon (WGS-84), optional
    neighbourhood_m : float, optional
        Distance band in metres between cell centres.
    weights : str or array_like, optional
        Sum this per cell instead of counting points (a column, or one value per input point).
    {coarsest}

    Returns
    -------
    geopandas.GeoDataFrame
        WGS-84 cells with ``row``, ``col``, ``count``, ``gi_z``, ``gi_p`` (two-sided)
        and ``hot_spot`` (``hot spot 99%`` … ``not significant`` … ``cold spot 99%``).

    Examples
    --------
    >>> import gzgeo
    >>> cells = hot_spots(gzgeo.load("platforms"), cell_m=3000)
    >>> 0 < int(cells["count"].sum()) <= len(located(gzgeo.load("platforms")))  # located platforms only
    True
    >>> bool((cells.loc[cells["hot_spot"].str.startswith("hot"), "gi_z"] > 0).all())
    True
    """
    points, weights = _located_points(points, coarsest, weights)
    if cell_m <= 0:
        raise ValueError("cell_m must be positive")
    shape = region_geometry(region)
    minx, miny, maxx, maxy = shape.bounds
    nx = int(np.ceil((maxx - minx) / cell_m))
    ny = int(np.ceil((maxy - miny) / cell_m))
    cx = minx + (np.arange(nx) + 0.5) * cell_m
    cy = miny + (np.arange(ny) + 0.5) * cell_m
    yy, xx = np.meshgrid(cy, cx, indexing="ij")
    shapely.prepare(shape)
    valid = shapely.contains_xy(shape, xx, yy)
    if valid.sum() < 3:
        raise ValueError("fewer than 3 grid cells inside the region: use a smaller cell_m")
    xy = metric_xy(points)
    w = _weights(points, weights)
    col = np.floor((xy[:, 0] - minx) / cell_m).astype(np.int64)
    row = np.floor((xy[:, 1] - miny) / cell_m).astype(np.int64)
    ok = (col >= 0) & (col < nx) & (row >= 0) & (row < ny)
    counts = (
        np.bincount(row[ok] * nx + col[ok], weights=None if w is None else w[ok], minlength=nx * ny)
        .reshape(ny, nx)
        .astype(float)
    )
    counts[~valid] = 0.0
    band = 1.5 * cell_m if neighbourhood_m is None else float(neighbourhood_m)
    reach = int(np.floor(band / cell_m))
    offs = np.arange(-reach, reach + 1) * cell_m
    kernel = (np.hypot(*np.meshgrid(offs, offs)) <= band + 1e-9).astype(float)
    from scipy import ndimage  # imported when used

    neighbour_sum = ndimage.convolve(counts, kernel, mode="constant", cval=0.0)
    cardinality = ndimage.convolve(valid.astype(float), kernel, mode="constant", cval=0.0)
    z, p = _gi_star(counts[valid], neighbour_sum[valid], cardinality[valid])
    half = cell_m / 2
    boxes = shapely.box(xx[valid] - half, yy[valid] - half, xx[valid] + half, yy[valid] + half)
    rows_idx, cols_idx = np.nonzero(valid)
    return gpd.GeoDataFrame(
        {"row": rows_idx, "col": cols_idx, "count": counts[valid], "gi_z": z, "gi_p": p, "hot_spot": _classify(z, p)},
        geometry=list(metric_to_wgs84(boxes)),
        crs=WGS84,
    )


def hot_spots_by_area(
    points: gpd.GeoDataFrame,
    areas: gpd.GeoDataFrame | None = None,
    value: str = "density_per_km2",
    touch_tolerance_m: float = 50.0,
) -> gpd.GeoDataFrame:
    """Getis-Ord Gi* on polygons (default: the 11 districts) with queen contiguity plus self.

    Polygons within ``touch_tolerance_m`` of each other are neighbours (the
    bundled boundaries are simplified, so shared edges may not coincide exactly).

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Points in any CRS.
    areas : geopandas.GeoDataFrame, optional
        Polygons; defaults to ``gzgeo.load("districts")``.
    value : {"density_per_km2", "n_platforms"}
        The variable tested.

    Returns
    -------
    geopandas.GeoDataFrame
        ``areas`` in WGS-84 with ``n_platforms``, ``area_km2``,
        ``density_per_km2``, ``n_neighbours``, ``gi_z``, ``gi_p``, ``hot_spot``.

    Examples
    --------
    >>> import gzgeo
    >>> g = hot_spots_by_area(gzgeo.load("platforms"))
    >>> len(g), bool(g["gi_p"].between(0, 1).all())
    (11, True)
    """
    check_layer(points, "points", "Point")
    areas = layer_or_default(areas, "districts", "Polygon")
    if value not in ("density_per_km2", "n_platforms"):
        raise ValueError("value must be 'density_per_km2' or 'n_platforms'")
    out = count_platforms(points, areas, by=None)
    geoms = metric_geometry(areas)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=touch_tolerance_m)
    x = out[value].to_numpy(dtype=float)
    neighbour_sum = np.bincount(left, weights=x[right], minlength=len(x))
    cardinality = np.bincount(left, minlength=len(x)).astype(float)  # includes self: Gi*
    z, p = _gi_star(x, neighbour_sum, cardinality)
    out["n_neighbours"] = cardinality.astype(int) - 1
    out["gi_z"], out["gi_p"], out["hot_spot"] = z, p, _classify(z, p)
    return out
