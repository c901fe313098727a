"""Core: exact money, periods, CPR numbers, errors, settings, glossary. No framework imports."""
