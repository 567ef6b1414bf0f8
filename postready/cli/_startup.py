"""Process-wide settings for a `postready` process, made before anything heavy loads:
`postready.cli` imports this module before any other."""

import os

# numpy's OpenBLAS starts a thread per core that spins between calls; our only BLAS calls are
# tiny colour conversions, and in a CLI run the spinning took ~8 % of the process's CPU
# (perf) from the image work beside it. It must be set before numpy loads; a user's own
# setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
