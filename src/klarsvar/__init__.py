"""klarsvar: a clear-answer customer-service assistant."""

import os

# The embedding model's OpenMP threads spin while idle unless told otherwise; on a
# small, busy machine that turns a 40 ms query into seconds. Must be set before it loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
