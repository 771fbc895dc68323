# SQS on the ImageNet-pretrained EfficientNet-Lite0 alone, fine-tuned on
# FERPlus (8 classes; trained on the vote distribution, validated and tested
# on the majority labels) at 112 px on 2 CPU cores: 3,000 iterations of 8
# quads, the checkpoint chosen on FER2013Valid, tested on
# FER2013Test (`tools/test.py CONFIG CKPT --tta`). Results and the choices
# behind the recipe: docs/benchmarks.md, "FERPlus".
_base_ = [
    '../_base_/models/sqsnet_lite0.py', '../_base_/datasets/ferplus_112px.py',
    '../_base_/schedules/finetune_cpu_3000it.py'
]

model = dict(
    head=dict(num_classes={{_base_.num_classes}}),
    data_preprocessor=dict(num_classes={{_base_.num_classes}}))
