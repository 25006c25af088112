"""Refresh the settings table in README.md from the declared settings (`make readme`)."""

import re
from pathlib import Path

from kg.config import settings_table

README = Path(__file__).resolve().parents[1] / "README.md"


def sync(path: Path = README) -> bool:
    """Rewrite the block between the settings markers; True when the file changed."""
    text = path.read_text(encoding="utf-8")
    block = f"<!-- settings:start -->\n{settings_table()}\n<!-- settings:end -->"
    new = re.sub(r"<!-- settings:start -->.*?<!-- settings:end -->", block, text, flags=re.S)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    print("README.md updated" if sync() else "README.md already current")
