"""Scenes of real faces as files; tools/infer.py's predictions scored on them.

Writes scene images, their ground truth and a video, and scores
``tools/infer.py``'s ``predictions.json`` against the ground truth; the
commands are in :mod:`sqsnet_mm.analysis.scenes`. Run from the repository
root, e.g. ``python tools/analysis_tools/scenes.py write --faces-root
data/ckplus48 --video``.
"""
from sqsnet_mm.analysis.scenes import main

if __name__ == '__main__':
    main()
