"""Benchmark: the offline content step (analysis, hashtags, captions, alt text for all eight
platforms) cold (the first call in a fresh process: the vocabulary loads) and warm (a bot that
has served before), for this checkout and for an older one (default: the `main` branch) in the
same run, on the same photos and words, one process each, taking turns. Prints the times,
the ratios, PASS/MISS for the 150 ms warm target, and with --posts both trees' posts for three
subjects (README's before/after). Never fails on a target.

    python bench/bench_content.py [--repeat 5] [--before main] [--posts]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = Path(__file__).with_name("content_step.py")
TARGET_WARM_MS = 150
CASES = [  # photo (a scikit-image sample), what the user typed
    ["chelsea", "my rescue cat Miso"],
    ["rocket", "launch day at the space center"],
    ["coffee", "handmade ceramic mug with morning latte art"],
    ["coffee", "Our new sourdough loaf, baked this morning with a 48-hour ferment"],
    ["astronaut", "new headshot for my website"],
    ["chelsea", ""],
]
SHOWN = CASES[:3]


def tree_of(ref: str, into: Path) -> Path:
    """`ref`'s postready/ package, exported with git archive (no checkout is touched)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "postready"], capture_output=True, check=True
    ).stdout
    archive_path = into / "tree.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(into, filter="data")
    return into


def run(tree: Path, repeat: int) -> dict:  # type: ignore[type-arg]
    result = subprocess.run(
        [sys.executable, str(CHILD), str(tree), str(repeat)],
        input=json.dumps(CASES),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm rounds over the cases")
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per tree")
    parser.add_argument("--before", default="main", help="git ref to compare with")
    parser.add_argument("--posts", action="store_true", help="print both trees' posts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        before_tree = tree_of(args.before, Path(scratch))
        runs: dict[str, list[dict]] = {"now": [], "before": []}  # type: ignore[type-arg]
        for _ in range(args.rounds):  # turns, so that the machine's load falls on both
            runs["now"].append(run(ROOT, args.repeat))
            runs["before"].append(run(before_tree, args.repeat))
    summary = {}
    for name, results in runs.items():
        summary[name] = {
            key: sorted(r[key] for r in results)[len(results) // 2]
            for key in ("cold_ms", "warm_median_ms", "warm_max_ms", "import_and_photos_ms")
        }
    print(f"content step, {len(CASES)} descriptions × 8 platforms, medians of {args.rounds} "
          f"processes ({args.repeat} warm rounds each)")  # fmt: skip
    for name, label in (("now", "this checkout"), ("before", args.before)):
        s = summary[name]
        print(f"  {label:14} cold {s['cold_ms']:7.1f} ms   warm median {s['warm_median_ms']:6.1f}"
              f" ms (max {s['warm_max_ms']:.1f})")  # fmt: skip
    now, before = summary["now"], summary["before"]
    print(f"  ratio now/before: cold {now['cold_ms'] / before['cold_ms']:.2f}×, "
          f"warm {now['warm_median_ms'] / before['warm_median_ms']:.2f}×")  # fmt: skip
    verdict = "PASS" if now["warm_median_ms"] < TARGET_WARM_MS else "MISS"
    print(f"{verdict} warm content step {now['warm_median_ms']:.1f} ms < {TARGET_WARM_MS} ms")
    if args.posts:
        for photo, description in SHOWN:
            print(f"\n### {description!r} ({photo})")
            for name, label in (("before", args.before), ("now", "now")):
                post = runs[name][0]["posts"][description]["instagram"]
                print(f"  {label} instagram tags: {' '.join('#' + t for t in post['hashtags'])}")
                print(f"  {label} caption: {post['caption']!r}")
                if post["alt_text"]:
                    print(f"  {label} alt text: {post['alt_text']!r}")


if __name__ == "__main__":
    main()
