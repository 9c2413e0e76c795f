"""The catalogue: the standard's content, read from its source folder or a compiled release."""

from csc_outcomes.catalogue.model import Catalogue, CatalogueReadError, load_catalogue

__all__ = ["Catalogue", "CatalogueReadError", "load_catalogue"]
