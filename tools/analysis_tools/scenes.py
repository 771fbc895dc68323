"""Scenes of real faces as files; tools/infer.py's predictions scored on them.

Writes scene images, their ground truth and a video, and scores
``tools/infer.py``'s ``predictions.json`` against the ground truth
(:mod:`sqsnet_mm.analysis.scenes`); run from the repository root. Example::

    python tools/analysis_tools/scenes.py write --faces-root data/ckplus48 \\
        --scenes 150 --video --out-dir work_dirs/ckplus_scenes
    python tools/infer.py CONFIG work_dirs/ckplus_scenes/images \\
        --checkpoint CKPT --out-dir outputs/ckplus_scenes
    python tools/analysis_tools/scenes.py score \\
        work_dirs/ckplus_scenes/ground_truth.json \\
        outputs/ckplus_scenes/predictions.json
"""
from sqsnet_mm.analysis.scenes import main

if __name__ == '__main__':
    main()
