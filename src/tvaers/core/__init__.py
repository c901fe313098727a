"""Core: exact money, periods, CPR numbers, errors, settings and the glossary. Imports no framework."""
