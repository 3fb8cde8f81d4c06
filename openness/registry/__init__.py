"""The curated registry of notable releases (``registry/releases/*.yaml``)."""
