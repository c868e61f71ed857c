"""Runs every tests/golden/gen_*.py script, rewriting tests/golden/data/."""

import glob
import os
import runpy

here = os.path.dirname(os.path.abspath(__file__))
for script in sorted(glob.glob(os.path.join(here, "gen_*.py"))):
    runpy.run_path(script, run_name="__main__")
