# CK+48 (ckplus_folder.py) at 64 px, the data of the CK+48 benchmark
# (docs/benchmarks.md), the same for every model compared: 5
# subject-independent folds, batch 32, the small-face pipelines (crops and
# flips, no Random Erasing). Link the data first:
#   ln -s /path/to/ckplus48 data/ckplus48
_base_ = ['./ckplus_folder.py', './small_face_pipelines.py']

train_pipeline = {{_base_.small_face_train_pipeline}}
test_pipeline = {{_base_.small_face_test_pipeline}}
folds = dict(num_folds=5, fold=0)
train_dataloader = dict(
    batch_size=32, dataset=dict(pipeline=train_pipeline, **folds))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline, **folds))
test_dataloader = val_dataloader
