#!/usr/bin/env python3
"""Cuts WenQuanYi Micro Hei down to the built-in chart font (backend/fonts/README.md).

    python3 scripts/font_subset.py SOURCE.ttc OUT.ttf     # needs `pip install fonttools==4.55.0`
"""
import subprocess
import sys
import tempfile

RANGES = [(0x20, 0x7F), (0xA0, 0x100), (0x2000, 0x2070), (0x2190, 0x2300), (0x2460, 0x24A0),
          (0x25A0, 0x2600), (0x3000, 0x3040), (0xFF00, 0xFFF0)]


def characters():
    chars = set()
    for lo, hi in RANGES:
        chars.update(range(lo, hi))
    # Every character of GB 2312 (rows 0xA1-0xF7, cells 0xA1-0xFE).
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.update(ord(c) for c in bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return sorted(chars)


def main(source, out):
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
        f.write(",".join(f"U+{c:04X}" for c in characters()))
        f.flush()
        subprocess.run([sys.executable, "-m", "fontTools.subset", source, "--font-number=0",
                        f"--unicodes-file={f.name}", f"--output-file={out}", "--layout-features=*",
                        "--name-IDs=*", "--name-languages=*", "--no-hinting"], check=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
