"""Columnar path: files and frames read with Polars, checked as whole columns."""
