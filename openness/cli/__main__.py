"""``python -m openness.cli``."""

from openness.cli import main

main()
