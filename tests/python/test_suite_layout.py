"""tests/python and analysis/tests run as one pytest command. Neither folder
is a package, so pytest puts both on sys.path and imports every module by
its bare name: two modules of the same name in the two folders would be one
module (the first imported), and `from conftest import` would get whichever
conftest.py was loaded last."""
import re
from pathlib import Path

from engine_support import SOURCE

FOLDERS = [SOURCE / "tests" / "python", SOURCE / "analysis" / "tests"]


def modules():
    return [p for d in FOLDERS for p in sorted(d.glob("*.py"))]


def test_module_names_are_unique_across_the_test_folders():
    names = {}
    for p in modules():
        if p.name != "conftest.py":
            names.setdefault(p.stem, []).append(p.relative_to(SOURCE).as_posix())
    assert len(modules()) > 10
    clashes = {k: v for k, v in names.items() if len(v) > 1}
    assert not clashes, clashes


def test_no_module_imports_from_conftest():
    found = [p.relative_to(SOURCE).as_posix() for p in modules()
             if re.search(r"^\s*(from\s+conftest\s+import|import\s+conftest\b)", p.read_text(), re.M)]
    assert not found, f"import helpers from a support module, not from conftest: {found}"
