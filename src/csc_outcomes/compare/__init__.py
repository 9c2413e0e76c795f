"""Compare an authority with its statistical neighbours, its region and England, over time,
from the published baseline shipped in the release and the authority's own returns."""
