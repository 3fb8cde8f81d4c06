"""Find the model ids a code base loads (Python calls via ``ast``, YAML/JSON config keys)."""

from openness.scan.models import Location, Reference, ScanProblem, ScanResult
from openness.scan.walk import scan_path

__all__ = ["Location", "Reference", "ScanProblem", "ScanResult", "scan_path"]
