"""Process-wide settings for a `postready` process, made before anything heavy loads:
`postready.cli` imports this module before any other."""

import ctypes
import gc
import os
import sys

# numpy's OpenBLAS starts a thread per core that spins between calls; our only BLAS calls are
# tiny colour conversions, and in a CLI run the spinning took ~8 % of the process's CPU
# (perf) from the image work beside it. It must be set before numpy loads; a user's own
# setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# A process creates most of its objects while it imports (classes, functions, tables) and
# keeps them, yet the collector walked them ~160 times in an optimize run (default thresholds:
# 700, 10): ~50 ms of CPU for little garbage. Young collections are now 30 times rarer, and
# the middle generation waits for 50 of them: ~20 ms. Long-running processes (bot, worker)
# still collect every 20,000 allocations.
gc.set_threshold(20000, 50)

# glibc's malloc raises its mmap threshold to the size of each large block freed, so the
# photo's copies and the renders' buffers (MBs each) then come from heaps that never give
# memory back, one heap per thread: a fixed threshold and two heaps took an optimize run's
# median peak RSS from ~161 to ~146 MB for ~1.5 % more CPU (numpy imports ctypes anyway).
_M_MMAP_THRESHOLD, _M_ARENA_MAX = -3, -8
if sys.platform == "linux":
    _mallopt = getattr(ctypes.CDLL(None), "mallopt", None)  # glibc's; absent from musl
    if _mallopt is not None:
        _mallopt(_M_MMAP_THRESHOLD, 128 * 1024)
        _mallopt(_M_ARENA_MAX, 2)
