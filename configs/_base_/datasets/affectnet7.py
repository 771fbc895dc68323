# AffectNet with the 7 basic classes: contempt images are dropped (counted
# in the load-time log). Class-balanced quads as in affectnet8.py.
_base_ = ['./affectnet8.py']

num_classes = 7
data_preprocessor = dict(num_classes=num_classes)
train_dataloader = dict(dataset=dict(num_classes=num_classes))
val_dataloader = dict(dataset=dict(num_classes=num_classes))
test_dataloader = dict(dataset=dict(num_classes=num_classes))
