"""AI bills of materials from openness reports: CycloneDX 1.6 ML-BOM and SPDX 3.0.1 AI profile.

Both carry the same facts: the model, its licence (SPDX ids, or a name for custom licences), its
datasets, its base models, and openness's verdicts as namespaced properties (``properties.py``).
"""
