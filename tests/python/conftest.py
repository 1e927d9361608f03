"""Fixtures for the end-to-end tests. The helpers they use (the binary,
small scenarios, running them) are in engine_support.py, which test modules
import directly."""
import os

import pytest

from engine_support import small_scenario

# read files another process is still writing (the crash-safety tests)
os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")


@pytest.fixture
def scenario(tmp_path):
    return lambda **kw: small_scenario(tmp_path, **kw)
