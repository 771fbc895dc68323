# RAF-DB basic (7 classes), read from its distributed layout, see
# docs/datasets.md: data/rafdb/basic/EmoLabel/list_patition_label.txt and
# data/rafdb/basic/Image/aligned/*_aligned.jpg. RAF-DB has no validation
# split; as in the literature the test split is used for validation.
_base_ = ['./fer_224.py']

dataset_type = 'RAFDB'
data_root = 'data/rafdb/basic'
dataset = dict(type=dataset_type, data_root=data_root)

train_dataloader = dict(dataset=dataset)
val_dataloader = dict(dataset=dataset)
test_dataloader = val_dataloader
