# CK+48 (981 images of 118 subjects, 7 class folders) at 96 px with
# subject-independent folds: the subject is the S### prefix of a file name,
# so no subject is in both splits. The repository's benchmarks read it from
# ../shared/data/ckplus48.
_base_ = ['./fer_folder_96px.py']

data_root = '../shared/data/ckplus48'
dataset = dict(data_root=data_root, subject_regex=r'^(S\d+)_')
train_dataloader = dict(dataset=dataset)
val_dataloader = dict(dataset=dataset)
test_dataloader = val_dataloader
