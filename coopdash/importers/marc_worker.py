"""A worker process that reads one part of a large catalogue file for `read_catalogue`.

Started as `python -m coopdash.importers.marc_worker` rather than through
multiprocessing, so it never re-runs the caller's main script. stdin: an 8-byte
length, a pickled (base, registry, rules, library), then the part's bytes;
stdout: the pickled result.
"""

import pickle
import sys

from coopdash.importers.marc import read_part


def main() -> None:
    result = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing a library prints may get into the result
    size = int.from_bytes(sys.stdin.buffer.read(8), "big")
    base, registry, rules, library = pickle.loads(sys.stdin.buffer.read(size))  # sent by our parent
    data = sys.stdin.buffer.read()
    result.write(pickle.dumps(read_part(data, base, registry, rules, library)))


if __name__ == "__main__":
    main()
