# FERPlus for the CPU configs: the 48 px grey FER2013 faces upsampled
# (bicubic) to 112 px, where the ImageNet-pretrained EfficientNet-Lite's
# stride-32 map is 4 x 4 and its stride-16 map 7 x 7, the grid of the paper's
# model; the small-face pipelines (crops and flips, no Random Erasing),
# batches of 32 (8 quads). Training on FER2013Train with the vote
# distribution as target (label_mode='probability', 27,947 images), the
# checkpoint chosen on FER2013Valid, the test on FER2013Test, both with
# Microsoft's majority labels (ferplus.py). Input size and label mode were
# chosen on FER2013Valid: docs/benchmarks.md, "FERPlus".
_base_ = ['./ferplus.py', './small_face_pipelines.py']

img_size = 112
train_pipeline = _base_.small_face_train_pipeline
train_pipeline[1].scale = img_size  # RandomResizedCrop
train_pipeline[1].interpolation = 'bicubic'
test_pipeline = _base_.small_face_test_pipeline
test_pipeline[1].scale = img_size  # Resize
test_pipeline[1].interpolation = 'bicubic'
loader = dict(batch_size=32, num_workers=1, persistent_workers=True)
train_dataloader = dict(
    **loader,
    dataset=dict(label_mode='probability', pipeline=train_pipeline))
val_dataloader = dict(**loader, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(**loader, dataset=dict(pipeline=test_pipeline))
