"""ChannelsLastHook: the model's 4-D weights and its input batches in the
channels-last memory format, at unchanged values, once per model."""
import os.path as osp

import torch
from mmengine.config import Config
from mmengine.model import BaseModel
from mmengine.runner import Runner
from mmpretrain.models import AverageClsScoreTTA
from mmpretrain.registry import HOOKS
from torch.utils.data import Dataset

import sqsnet_mm  # noqa: F401
from sqsnet_mm.engine.hooks import ChannelsLastHook
from sqsnet_mm.engine.hooks.channels_last_hook import to_channels_last

CHANNELS_LAST = torch.channels_last


class _Images(Dataset):
    """Four random 3 x 8 x 8 uint8 images."""

    def __len__(self):
        return 4

    def __getitem__(self, i):
        gen = torch.Generator().manual_seed(i)
        return dict(
            inputs=torch.randint(
                0, 256, (3, 8, 8), dtype=torch.uint8, generator=gen))


class _ConvNet(BaseModel):
    """Conv + BN + linear behind an image data preprocessor; records the
    layout of every batch it is given."""

    def __init__(self):
        super().__init__(
            data_preprocessor=dict(
                type='ImgDataPreprocessor', mean=[127.5] * 3, std=[127.5] * 3))
        self.conv = torch.nn.Conv2d(3, 4, 3)
        self.bn = torch.nn.BatchNorm2d(4)
        self.fc = torch.nn.Linear(4, 2)
        self.channels_last_inputs = []

    def forward(self, inputs, data_samples=None, mode='tensor'):
        self.channels_last_inputs.append(
            inputs.is_contiguous(memory_format=CHANNELS_LAST))
        out = self.fc(self.bn(self.conv(inputs)).relu().mean((2, 3)))
        return dict(loss=out.pow(2).mean()) if mode == 'loss' else out


def _model(seed=0):
    torch.manual_seed(seed)
    return _ConvNet()


def _runner(work_dir, model, **kwargs):
    return Runner(
        model=model,
        work_dir=str(work_dir),
        default_scope='mmpretrain',
        experiment_name=osp.basename(str(work_dir)),
        **kwargs)


def _batch():
    return dict(inputs=[_Images()[i]['inputs'] for i in range(4)])


def _conv_weights(model):
    return [p for p in model.parameters() if p.dim() == 4]


def test_hook_is_registered_and_in_the_iteration_based_runtime():
    assert isinstance(
        HOOKS.build(dict(type='ChannelsLastHook')), ChannelsLastHook)
    cfg = Config.fromfile('configs/_base_/iter_based_runtime.py')
    assert 'ChannelsLastHook' in [h['type'] for h in cfg.custom_hooks]


def test_before_run_converts_weights_and_inputs(tmp_path):
    model = _model()
    assert not _conv_weights(model)[0].is_contiguous(
        memory_format=CHANNELS_LAST)
    out = model.data_preprocessor(_batch())
    assert not out['inputs'].is_contiguous(memory_format=CHANNELS_LAST)

    runner = _runner(
        tmp_path, model, custom_hooks=[dict(type='ChannelsLastHook')])
    runner.call_hook('before_run')
    weights = _conv_weights(model)
    assert weights and all(
        w.is_contiguous(memory_format=CHANNELS_LAST) for w in weights)
    out = model.data_preprocessor(_batch())
    assert out['inputs'].shape == (4, 3, 8, 8)
    assert out['inputs'].is_contiguous(memory_format=CHANNELS_LAST)


def test_values_are_unchanged(tmp_path):
    plain, converted = _model(), _model()
    ChannelsLastHook().before_run(_runner(tmp_path, converted))
    for model in (plain, converted):
        model.eval()
    data = [m.data_preprocessor(_batch()) for m in (plain, converted)]
    torch.testing.assert_close(data[1]['inputs'], data[0]['inputs'])
    outs = [m(**d) for m, d in zip((plain, converted), data)]
    assert plain.channels_last_inputs == [False]
    assert converted.channels_last_inputs == [True]
    torch.testing.assert_close(outs[1], outs[0])
    # gradients as well, in the training mode
    for model, d in zip((plain, converted), data):
        model.train()
        model(**d, mode='loss')['loss'].backward()
    torch.testing.assert_close(converted.conv.weight.grad,
                               plain.conv.weight.grad)
    assert converted.conv.weight.grad.shape == plain.conv.weight.grad.shape


def test_training_updates_the_converted_parameters(tmp_path):
    # the optimizer is built before before_run: it must hold the same
    # parameters the hook converted in place
    model = _model()
    before = model.conv.weight.detach().clone()
    runner = _runner(
        tmp_path,
        model,
        train_dataloader=dict(
            dataset=_Images(),
            sampler=dict(type='DefaultSampler', shuffle=False),
            batch_size=2,
            collate_fn=dict(type='pseudo_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=1),
        custom_hooks=[dict(type='ChannelsLastHook')])
    runner.train()
    assert model.channels_last_inputs == [True, True]
    assert model.conv.weight.is_contiguous(memory_format=CHANNELS_LAST)
    assert not torch.allclose(model.conv.weight, before)


def test_before_run_twice_registers_one_forward_hook(tmp_path):
    model = _model()
    runner = _runner(tmp_path, model)
    hook = ChannelsLastHook()
    hook.before_run(runner)
    hook.before_run(runner)
    ChannelsLastHook().before_run(runner)  # a second instance as well
    to_channels_last(model)  # and the hook's function itself
    assert len(model.data_preprocessor._forward_hooks) == 1
    model.data_preprocessor(_batch())


def test_wrapped_model_is_converted(tmp_path):
    model = _model()
    tta = AverageClsScoreTTA(module=model)
    runner = _runner(
        tmp_path, tta, custom_hooks=[dict(type='ChannelsLastHook')])
    assert runner.model is tta
    runner.call_hook('before_run')
    assert model.conv.weight.is_contiguous(memory_format=CHANNELS_LAST)
    out = model.data_preprocessor(_batch())
    assert out['inputs'].is_contiguous(memory_format=CHANNELS_LAST)
