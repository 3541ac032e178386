"""Where the project is, and its content fixtures, for tests that read or load them."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = sorted((ROOT / "fixtures").glob("*.json"))
