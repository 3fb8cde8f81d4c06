"""Other openness frameworks judged from the same evidence: MOF classes, the OSI's OSAID, the EU AI Act exemption.

``judge.Frameworks.load()`` once; ``judge(report, release)`` after an audit, ``judge_curated(entry)`` for
a registry entry. Each framework is data in ``rules/frameworks/``; the verdict models
(``verdicts``) import nothing else of openness, so the report model can carry them.
"""
