# Runtime of the SQSNet recipe: MMPretrain's default runtime plus the paper's
# model selection (best checkpoint, early stopping on validation accuracy),
# a NaN/Inf loss guard and 5-view test-time augmentation.
default_scope = 'mmpretrain'
# registers the SQSNet components (sqsnet_mm) in MMPretrain's registries
custom_imports = dict(imports=['sqsnet_mm'], allow_failed_imports=False)

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # Keep the last 2 epoch checkpoints (for --resume) and the best one by
    # validation accuracy (best_fer_accuracy_epoch_N.pth).
    checkpoint=dict(
        type='CheckpointHook',
        interval=1,
        max_keep_ckpts=2,
        save_best='fer/accuracy',
        rule='greater'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='VisualizationHook', enable=False),
)

custom_hooks = [
    # Early stopping on validation accuracy (sec. 4.2): stop when it has not
    # improved by 0.1 point for 10 validations in a row.
    dict(
        type='EarlyStoppingHook',
        monitor='fer/accuracy',
        rule='greater',
        min_delta=0.1,
        patience=10),
    # Stop at once, naming the iteration and the loss term, when a loss
    # becomes NaN or infinite.
    dict(type='NonFiniteLossHook', interval=1),
    # A clear error when the data set has more classes than the head has
    # outputs (a folder-per-class set takes its classes from its folders).
    dict(type='ClassCountCheckHook'),
]

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # tools/train.py and tools/test.py switch to gloo on machines without
    # CUDA (sqsnet_mm.engine.setup_cpu_distributed).
    dist_cfg=dict(backend='nccl'),
)

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='UniversalVisualizer', vis_backends=vis_backends)

log_level = 'INFO'
load_from = None
resume = False

# A fixed seed: two runs on the CPU give the same losses. `deterministic`
# also fixes cuDNN kernels on GPUs at some speed cost.
randomness = dict(seed=0, deterministic=False)

# Test-time augmentation (`tools/test.py --tta`): the class scores of 5 views
# of each test image are averaged. The views act on the image at its final
# test size, after the data set's own test pipeline (only its packing step
# moves after the views), see sqsnet_mm.engine.build_tta_pipeline:
#   1. the image unchanged,
#   2. mirrored left-right,
#   3. shifted left by 1/16 of its width,
#   4. shifted right by 1/16 of its width,
#   5. shifted up by 1/16 of its height,
# the shifts filling the uncovered border with grey (128), like off-centre
# crops of a face-aligned image.
tta_model = dict(type='AverageClsScoreTTA')
tta_views = [
    dict(type='RandomFlip', prob=0.),
    dict(type='RandomFlip', prob=1., direction='horizontal'),
    dict(
        type='Translate',
        magnitude=-0.0625,
        prob=1.,
        random_negative_prob=0.,
        direction='horizontal'),
    dict(
        type='Translate',
        magnitude=0.0625,
        prob=1.,
        random_negative_prob=0.,
        direction='horizontal'),
    dict(
        type='Translate',
        magnitude=-0.0625,
        prob=1.,
        random_negative_prob=0.,
        direction='vertical'),
]
