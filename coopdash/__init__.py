"""coopdash: cooperation analytics for a library consortium working with OCLC."""

__version__ = "0.1.0"  # the same as pyproject.toml's; harvest requests name it in their User-Agent
