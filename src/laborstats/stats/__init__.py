"""Computations: pure functions from DataFrames to DataFrames, with no output of their own."""
