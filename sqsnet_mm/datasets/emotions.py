"""Canonical emotion names and the official label order of each data set."""
from typing import Dict

#: The eight emotion categories, canonical lowercase names.
EMOTIONS = ('neutral', 'happiness', 'sadness', 'surprise', 'fear', 'disgust',
            'anger', 'contempt')

#: RAF-DB basic set, labels 1-7 of ``list_patition_label.txt``.
RAFDB_CLASSES = ('surprise', 'fear', 'disgust', 'happiness', 'sadness',
                 'anger', 'neutral')

#: FERPlus vote columns of ``fer2013new.csv``, before ``unknown`` and ``NF``.
FERPLUS_CLASSES = ('neutral', 'happiness', 'surprise', 'sadness', 'anger',
                   'disgust', 'fear', 'contempt')

#: AffectNet expression codes 0-7 (8-10 are None, Uncertain, No-Face).
AFFECTNET_CLASSES = ('neutral', 'happiness', 'sadness', 'surprise', 'fear',
                     'disgust', 'anger', 'contempt')

_ALIASES: Dict[str, str] = {
    'happy': 'happiness',
    'sad': 'sadness',
    'angry': 'anger',
    'surprised': 'surprise',
    'disgusted': 'disgust',
    'fearful': 'fear',
}


def canonical_emotion(name: str) -> str:
    """Map an emotion name or a common alias to its canonical name.

    Args:
        name (str): An emotion name such as ``'Happy'`` or ``'anger'``; case
            and surrounding white space are ignored.

    Returns:
        str: One of :data:`EMOTIONS`.

    Raises:
        ValueError: If ``name`` is neither a canonical name nor an alias.
    """
    key = str(name).strip().lower()
    key = _ALIASES.get(key, key)
    if key not in EMOTIONS:
        raise ValueError(
            f'Unknown emotion name {name!r}; expected one of {EMOTIONS} or '
            f'an alias among {sorted(_ALIASES)}')
    return key
