"""The package version (one place; `gdindex --version` reads it without imports)."""

__version__ = "0.1.0"
