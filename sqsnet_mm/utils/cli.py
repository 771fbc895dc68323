"""An argument parser whose help is the command's module docstring."""
import argparse
from typing import Optional


def docstring_parser(doc: Optional[str]) -> argparse.ArgumentParser:
    """Build a parser whose ``--help`` shows a command's module docstring.

    The docstring's first line becomes the description; the rest (examples,
    what the command writes) follows the options, with its line breaks kept.

    Args:
        doc (str, optional): The command's module docstring (``__doc__``).

    Returns:
        argparse.ArgumentParser: A parser with no arguments added yet.
    """
    if not doc or not doc.strip():
        raise ValueError(
            'docstring_parser: the command has no module docstring (was '
            'Python run with -OO?)')
    description, _, epilog = doc.strip().partition('\n')
    return argparse.ArgumentParser(
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=epilog)
