"""Run the command line as ``python -m laborstats``."""

from laborstats.cli import main

main()
