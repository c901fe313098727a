"""Tværs: economic management of cross-cutting solutions for vulnerable citizens and families."""

__version__ = "0.1.0"
