# CK+48 (7 class folders of 48x48 grey PNGs, e.g. anger/S010_004_00000017.png)
# with subject-independent 10-fold cross-validation: the subjects (S###
# prefix) are cut into 10 folds, fold `fold` is the validation/test split and
# the other 9 train. Link the data first: ln -s /path/to/ckplus48 data/ckplus48
# Another fold: --cfg-options train_dataloader.dataset.fold=3
#   val_dataloader.dataset.fold=3 test_dataloader.dataset.fold=3
# Any one-folder-per-class FER set works the same way (FERFolder). The grey
# images are read as 3-channel colour images.
_base_ = ['./fer_224.py']

dataset_type = 'FERFolder'
data_root = 'data/ckplus48'
class_names = ('anger', 'contempt', 'disgust', 'fear', 'happiness', 'sadness',
               'surprise')
dataset = dict(
    type=dataset_type,
    data_root=data_root,
    classes=class_names,
    subject_regex=r'^(S\d+)_',
    num_folds=10,
    fold=0)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.8, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    {{_base_.random_erasing}},
    dict(type='PackInputs'),
]
loader = dict(num_workers=2)
train_dataloader = dict(
    **loader, dataset=dict(**dataset, pipeline=train_pipeline))
val_dataloader = dict(**loader, dataset=dataset)
test_dataloader = val_dataloader
# CK+48 crops: cut at MTCNN's box (measured margin -0.02), grey, 48 px
face_crop = dict(margin=0.0, color='grey', size=48)
