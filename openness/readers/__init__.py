"""Readers of the sources a card links to: papers (arXiv), code repositories (GitHub).

Each reader answers for one linked source, online, through :class:`openness.readers.fetch.Fetcher`
(allow-listed hosts, size caps, deadlines, pacing) and caches what it learnt
(:class:`openness.readers.store.ReaderStore`). The audit's evidence stage calls them; offline it
does not, and what could not be read is reported as such.
"""
