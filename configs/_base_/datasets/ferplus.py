# FERPlus (8 classes with contempt, majority labels as in Microsoft's code),
# prepared with tools/dataset_converters/prepare_ferplus.py into
# data/ferplus/FER2013{Train,Valid,Test}, see docs/datasets.md. The 48x48
# grey images are read as 3-channel colour images.
# Validation: PublicTest (FER2013Valid); test: PrivateTest (FER2013Test).
_base_ = ['./fer_224.py']

dataset_type = 'FERPlus'
data_root = 'data/ferplus'
num_classes = 8  # model configs read it as {{_base_.num_classes}}
dataset = dict(type=dataset_type, data_root=data_root, label_mode='majority')

data_preprocessor = dict(num_classes=num_classes)
train_dataloader = dict(dataset=dataset)
val_dataloader = dict(dataset=dict(**dataset, split='val'))
test_dataloader = dict(dataset=dict(**dataset, split='test'))

# How the training faces are cut, so that tools/infer.py cuts faces out of
# photos and videos the same way (docs/inference.md, "Matching the training
# crops"): at MTCNN's face box (measured margin -0.03, the nearest allowed is
# 0), grey, 48 px, before the test pipeline.
face_crop = dict(margin=0.0, color='grey', size=48)
