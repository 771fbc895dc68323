"""Helpers shared by the command-line tools."""
from .cli import docstring_parser

__all__ = ['docstring_parser']
