"""What the sweep tests share: a tiny grid sweep (2 x 2 points, 2
replications: 8 runs) and the comparison of two sweep files that must hold
the same results (every dataset byte for byte but wall_time, every root
attribute but created)."""
import h5py
import numpy as np

GRID = """
sweep = {
  design = "grid";
  replications = 2;
  parameters = (
    { key = "brands.[2].automation.target"; min = 0.35; max = 0.9; levels = 2; },
    { key = "satisfaction.theta"; min = 0.0; max = 2.0; levels = 2; }
  );
};
"""
RUNS = 8


def contents(path):
    """Every dataset (by path) and every root attribute of a file."""
    data = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: data.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) else None)
        attrs = {k: f.attrs[k] for k in f.attrs}
    return data, attrs


def assert_same_sweep(a_path, b_path):
    """a and b hold the same sweep: same datasets (types, shapes, bytes) but
    wall_time, same root attributes but created and the
    content digest (which covers both)."""
    a, aa = contents(a_path)
    b, ba = contents(b_path)
    assert a.keys() == b.keys()
    assert "parameters/resolved_config" in a
    for name in a:
        if name == "wall_time":
            continue
        x, y = np.asarray(a[name]), np.asarray(b[name])
        assert x.dtype == y.dtype and x.shape == y.shape, name
        assert (x.tolist() == y.tolist()) if x.dtype == object else x.tobytes() == y.tobytes(), name
    assert set(aa) == set(ba)
    for k in aa:
        if k not in ("created", "content_digest"):   # the digest covers wall_time and created
            assert np.array_equal(aa[k], ba[k]), k
