"""laborstats: statistics for the results of trade-union programmes."""

__version__ = "0.1.0"
