# AffectNet, manually annotated part, 8 classes (with contempt). Reads the
# CSV distribution (Manually_Annotated_file_lists/*.csv and
# Manually_Annotated_Images/) or the npy one (train_set/, val_set/) under
# data/affectnet, whichever is there; see docs/datasets.md. The official
# validation set is the test set, as in the literature.
# To crop to the CSV's face boxes, add dict(type='CropFaceBox', margin=0.1)
# after LoadImageFromFile in both pipelines (CSV layout only).
_base_ = ['./fer_224.py']

dataset_type = 'AffectNet'
data_root = 'data/affectnet'
num_classes = 8  # model configs read it as {{_base_.num_classes}}
dataset = dict(type=dataset_type, data_root=data_root, num_classes=num_classes)

data_preprocessor = dict(num_classes=num_classes)
# AffectNet's training set is heavily imbalanced (happiness ~47%, contempt
# ~1%): anchors and negative classes are drawn class-balanced.
train_dataloader = dict(dataset=dataset, sampler=dict(class_balanced=True))
val_dataloader = dict(dataset=dict(**dataset, split='val'))
test_dataloader = val_dataloader
