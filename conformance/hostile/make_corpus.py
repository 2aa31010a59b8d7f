#!/usr/bin/env python3
"""Writes the hostile-input corpus beside this script (checked in; rerun only to change it). Each file is
named for what is wrong with it; cases.json says which command reads it. tools/tests/hostile_input_test.py
runs them all."""
import io
import os
import struct
import zipfile

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    with open(os.path.join(here, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def npy(array):
    b = io.BytesIO()
    np.save(b, array)
    return b.getvalue()


good = npy(np.linspace(-3, 3, 128, dtype=np.float32).reshape(4, 32))
write("npy-empty.npy", b"")
write("npy-header-cut.npy", good[:20])
write("npy-data-truncated.npy", good[:-5])
write("npy-data-too-long.npy", good + b"\0\0\0\0")
write("npy-shape-overflows.npy", good.replace(b"(4, 32)", b"(4611686018427387904, 8)"))
write("npy-shape-negative.npy", good.replace(b"(4, 32)", b"(-4, 32)"))
write("npy-fortran-order.npy", good.replace(b"'fortran_order': False", b"'fortran_order': True "))
write("npy-big-endian.npy", good.replace(b"'<f4'", b"'>f4'"))
write("npy-header-not-utf8.npy", good.replace(b"'descr'", b"'\xff\xfescr'"))
write("npy-header-length-huge.npy", good[:8] + struct.pack("<H", 65535) + good[10:])
write("npy-wrong-dtype.npy", npy(np.arange(8, dtype=np.int64)))
write("npy-zero-dim-block.npy", npy(np.zeros((4, 0), dtype=np.float32)))
write("bin-wrong-size.bin", b"\0" * 13)

archive = io.BytesIO()
np.savez(archive, elements=np.zeros((4, 32), np.uint8), scales=np.full((4, 1), 127, np.uint8))
archive = archive.getvalue()
write("npz-empty.npz", b"")
write("npz-not-zip.npz", b"PK\x03\x04 this is not a zip archive at all")
write("npz-truncated.npz", archive[: len(archive) // 2])
write("npz-no-scales.npz", (lambda b: (np.savez(b, elements=np.zeros((4, 32), np.uint8)), b.getvalue())[1])(io.BytesIO()))
bad_crc = bytearray(archive)
bad_crc[200] ^= 0xFF  # inside the first member's data
write("npz-crc-mismatch.npz", bytes(bad_crc))
compressed = io.BytesIO()
np.savez_compressed(compressed, elements=np.zeros((4, 32), np.uint8), scales=np.full((4, 1), 127, np.uint8))
write("npz-compressed.npz", compressed.getvalue())
traversal = io.BytesIO()
with zipfile.ZipFile(traversal, "w") as z:
    z.writestr("../../escaped.npy", npy(np.zeros(4, np.uint8)))
    z.writestr("elements.npy", npy(np.zeros((4, 32), np.uint8)))
write("npz-path-traversal.npz", traversal.getvalue())

write("suite-empty.json", "")
write("suite-not-utf8.json", b'{"name": "\xff\xfe", "kind": "cast", "from": "f32", "to": "e4m3"}')
write("suite-deeply-nested.json", "[" * 20000 + "]" * 20000)
write("suite-nan-count.json", '{"name": "n", "kind": "cast", "from": "f32", "to": "e4m3", "count": NaN}')
write("suite-huge-count.json", '{"name": "n", "kind": "cast", "from": "f32", "to": "e4m3", "classes": ["random"], "count": 1000000000000}')
write("suite-huge-block.json", '{"name": "n", "kind": "block", "format": "e4m3/e8m0/4294967296", "profile": "ocp"}')
write("suite-name-escapes.json", '{"name": "../../escaped", "kind": "cast", "from": "f32", "to": "e4m3", "classes": ["random"], "count": 4}')
write("suite-array.json", "[1, 2, 3]")
write("hex-not-utf8.txt", b"3f800000\n\xff\xfe\xfd\n")
write("hex-nan-word.txt", "NaN\n")
write("hex-too-wide.txt", "1ffffffff\n")
write("results-empty.txt", "")
write("results-not-utf8.txt", b"\xff\xfe\n" * 3)
write("results-one-line.txt", "7e\n")
write("results-huge-line.txt", "7e " * 200000 + "\n")
