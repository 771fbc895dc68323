# The synthetic FER set of the quick start (synthetic_fer.py) at 64 px for
# the CPU configs, with the small-face pipelines (small_face_pipelines.py:
# crops and flips, no Random Erasing) shrinking the 112 px images by area
# averaging (OpenCV's choice for downscaling), so the thin strokes of brows
# and lips are averaged in, not sampled.
_base_ = ['./synthetic_fer.py', './small_face_pipelines.py']

train_pipeline = _base_.small_face_train_pipeline
train_pipeline[1].interpolation = 'area'  # RandomResizedCrop
test_pipeline = _base_.small_face_test_pipeline
test_pipeline[1].interpolation = 'area'  # Resize
# 2,100 quads per epoch = 8,400 images, the size of the generated training
# set: one epoch costs what a plain epoch costs (the default, one anchor per
# image, would be 4x that).
train_dataloader = dict(
    batch_size=32,
    dataset=dict(pipeline=train_pipeline),
    sampler=dict(num_anchors=2100))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
