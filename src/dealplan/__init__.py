"""dealplan: run enterprise B2B deals end to end."""

__version__ = "0.1.0"
