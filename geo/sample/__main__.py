"""``python -m geo.sample``: write a synthetic sample workspace (see :mod:`geo.sample.cli`)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
