# The pipelines of the small-face data set bases (ckplus_64px.py,
# fer_folder_64px.py, synthetic_fer_64px.py, synthetic_fer_96px.py), stated
# once: for training a random resized crop of 80-100% of the face and a
# left-right flip, for testing a resize; 64 px, bilinear interpolation. No
# Random Erasing: in the CPU budgets it slows a small model more than it
# regularises it. A base takes them as `{{_base_.small_face_train_pipeline}}`
# and `{{_base_.small_face_test_pipeline}}`; one at another size or
# interpolation sets it on their one sized step, index 1 of both
# (RandomResizedCrop, Resize), as synthetic_fer_64px.py does:
#   train_pipeline = _base_.small_face_train_pipeline
#   train_pipeline[1].interpolation = 'area'
small_face_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=64, crop_ratio_range=(0.8, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
small_face_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=64),
    dict(type='PackInputs'),
]
