"""Record-level data: the SSDA903 and CIN census readers (load), and compute, which runs the
standard's methods over an authority's own records. Child identifiers stay on the machine."""
