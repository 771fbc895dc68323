"""docstring_parser: the module docstring as the command's help."""
import pytest

from sqsnet_mm.utils import docstring_parser

DOC = """Count the faces in a folder.

Example::

    python tools/count.py data/faces \\
        --min 3
"""


def test_help_is_the_docstring(capsys):
    parser = docstring_parser(DOC)
    parser.add_argument('root', help='folder of faces')
    with pytest.raises(SystemExit):
        parser.parse_args(['--help'])
    help_text = capsys.readouterr().out
    assert parser.description == 'Count the faces in a folder.'
    # the examples follow the options with their line breaks and indent
    assert help_text.index('folder of faces') < help_text.index('Example::')
    assert '    python tools/count.py data/faces \\\n        --min 3' in (
        help_text)
    assert parser.parse_args(['x']).root == 'x'


@pytest.mark.parametrize('doc', [None, '', '  \n'])
def test_no_docstring_is_named(doc):
    with pytest.raises(ValueError, match='no module docstring'):
        docstring_parser(doc)
