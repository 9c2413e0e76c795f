"""Harmonisation: map a local or published variant onto the canonical return, declaratively."""
