"""Damaged copies of the real corpus files: every one is imported or refused in plain words.

Seeded, so a failure names the case that found it; no traceback ever escapes,
and no case falls through to the last-resort "fault in coopdash" message.
"""

import json
import random
from pathlib import Path

import pytest

from coopdash.load import ImportContext, import_file
from tests.conftest import CORPUS, snapshot

FILES = sorted((CORPUS / "counter").iterdir())


def damaged(rng: random.Random, path: Path) -> bytes:
    data = bytearray(path.read_bytes())
    how = rng.choice(["truncate", "flip", "lines", "json"])
    if how == "truncate":
        return bytes(data[: rng.randrange(len(data))])
    if how == "lines" and path.suffix != ".xlsx":
        lines = bytes(data).split(b"\n")
        k = rng.randrange(len(lines))
        lines[k : k + 1] = [] if rng.random() < 0.5 else [lines[k], lines[k]]
        return b"\n".join(lines)
    if how == "json" and path.suffix == ".json":
        document = json.loads(bytes(data))
        for _ in range(3):
            node = document
            while isinstance(node, (dict, list)) and node:
                key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
                if rng.random() < 0.3:
                    node[key] = rng.choice([None, 5, "x", [], {}, [1, 2]])
                    break
                node = node[key]
        return json.dumps(document).encode()
    for _ in range(rng.randint(1, 20)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


@pytest.mark.parametrize("seed", range(6))
def test_damaged_files_never_crash_and_never_half_write(con, registry, seed):
    rng = random.Random(seed)
    for case in range(50):
        source = rng.choice(FILES)
        name = f"seed{seed}_case{case}_{source.name}"
        before = snapshot(con)
        result = import_file(con, Path(name), ImportContext(registry, "hangzhou"), data=damaged(rng, source))
        if result.status == "failed":
            assert result.error.startswith(name + ":"), result.error
            assert "fault in coopdash" not in result.error, result.error
            assert snapshot(con) == before, name
