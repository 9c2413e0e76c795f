"""The one exception of the catalogue package, in a module of its own so that the reader
(source.py) and the model (model.py) can both raise it without importing each other."""


class CatalogueReadError(Exception):
    """The catalogue could not be read at all (missing folder, unreadable release)."""
