"""Write the inference-only SQSNet: an ordinary MMPretrain classifier.

Usage::

    python tools/model_converters/sqs_to_inference.py CONFIG CHECKPOINT OUT_DIR

writes ``OUT_DIR/inference_config.py`` (``ImageClassifier`` = backbone +
``GlobalAveragePooling`` + ``LinearClsHead``) and ``OUT_DIR/inference.pth``
(state dict without ``head.sqs.*`` and ``head.fc_enhanced.*``, plus the
checkpoint's ``dataset_meta``). Both work with ``tools/test.py``,
MMPretrain's inferencers and the ONNX exporter.
"""
import argparse
import os.path as osp

import torch
from mmengine.config import Config, DictAction
from mmengine.utils import mkdir_or_exist

from sqsnet_mm.models.utils.deploy import (TRAINING_ONLY_PREFIXES,
                                           inference_model_config,
                                           inference_state_dict)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='training config of the model')
    parser.add_argument('checkpoint', help='trained checkpoint (.pth)')
    parser.add_argument('out_dir', help='folder for the config + weights')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the training config')
    return parser.parse_args()


def convert(config: Config, checkpoint: str, out_dir: str) -> tuple:
    """Convert and save; return the paths of the config and the weights."""
    # Checkpoints are read with weights_only=True; sqsnet_mm's engine
    # allow-lists what mmengine stores in them.
    ckpt = torch.load(checkpoint, map_location='cpu', weights_only=True)
    state_dict = ckpt.get('state_dict', ckpt)
    kept = inference_state_dict(state_dict)
    dropped = len(state_dict) - len(kept)
    if not any(k.startswith(TRAINING_ONLY_PREFIXES) for k in state_dict):
        print(f'note: {checkpoint} holds no SQS weights; nothing dropped')
    config.model = inference_model_config(config.model)
    if 'data_preprocessor' in config:
        config.data_preprocessor.pop('batch_augments', None)
    config.pop('model_wrapper_cfg', None)
    mkdir_or_exist(out_dir)
    cfg_path = osp.join(out_dir, 'inference_config.py')
    ckpt_path = osp.join(out_dir, 'inference.pth')
    config.dump(cfg_path)
    meta = {'dataset_meta': ckpt.get('meta', {}).get('dataset_meta')}
    torch.save({'state_dict': kept, 'meta': meta}, ckpt_path)
    print(f'kept {len(kept)} tensors, dropped {dropped} training-only '
          f'tensors ({", ".join(TRAINING_ONLY_PREFIXES)})')
    print(f'config: {cfg_path}\ncheckpoint: {ckpt_path}')
    return cfg_path, ckpt_path


def main() -> None:
    args = parse_args()
    import sqsnet_mm  # noqa: F401  registers the components
    config = Config.fromfile(args.config)
    if args.cfg_options:
        config.merge_from_dict(args.cfg_options)
    convert(config, args.checkpoint, args.out_dir)


if __name__ == '__main__':
    main()
