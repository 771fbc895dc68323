# Any folder-per-class FER set of small face crops (48 px grey like CK+48,
# FER2013 or JAFFE exports, or larger colour crops) at 64 px for the
# CPU-sized pretrained configs, with the pipelines and batch of the CK+48
# benchmark (small_face_pipelines.py, ckplus_64px.py). Classes come from the
# folder names (emotion names or aliases such as `happy`, `sad`; 7 classes
# expected by the models). The split is 5 folds by subject: `subject_regex`
# picks the subject out of a file name (CK+: `S010_004_00000017.png` ->
# `S010`); the default regex `^(.*)$` makes every file its own subject,
# which is a random 80/20 split by image. Fold `fold` is the test split, the
# other folds train.
_base_ = ['./fer_224.py', './small_face_pipelines.py']

dataset_type = 'FERFolder'
data_root = 'data/fer_folder'
dataset = dict(
    type=dataset_type,
    data_root=data_root,
    subject_regex=r'^(.*)$',
    num_folds=5,
    fold=0)

train_pipeline = {{_base_.small_face_train_pipeline}}
test_pipeline = {{_base_.small_face_test_pipeline}}
loader = dict(batch_size=32, num_workers=2)
train_dataloader = dict(
    **loader, dataset=dict(**dataset, pipeline=train_pipeline))
val_dataloader = dict(
    **loader, dataset=dict(**dataset, pipeline=test_pipeline))
test_dataloader = val_dataloader
