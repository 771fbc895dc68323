"""Check that the model has an output for every class of the data set."""
from typing import Optional

from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class ClassCountCheckHook(Hook):
    """Raise a clear error before training, validation or testing when the
    data set has more classes than the classifier has outputs.

    A folder-per-class data set takes its classes from its folder names
    (``FERFolder``), so a user's own set may hold 6 or 8 emotions while the
    configs build 7-way heads. Without this check the first batch
    fails inside the cross-entropy with an index error that names neither.
    The error names the data root, the classes and the config keys to set.
    Fewer classes than outputs is allowed (unused outputs never win once
    trained) and logged as a warning.

    Args:
        head_key: Config path of the head whose ``num_classes`` is checked,
            for the message. Defaults to ``'model.head'``.
    """
    priority = 'VERY_HIGH'

    def __init__(self, head_key: str = 'model.head') -> None:
        self.head_key = head_key

    @staticmethod
    def _num_outputs(model) -> Optional[int]:
        while hasattr(model, 'module'):  # DDP and TTA wrappers
            model = model.module
        head = getattr(model, 'head', None)
        return getattr(head, 'num_classes', None)

    def _check(self, runner, loader, stage: str) -> None:
        dataset = getattr(loader, 'dataset', None)
        classes = getattr(dataset, 'metainfo', {}).get('classes')
        outputs = self._num_outputs(runner.model)
        if classes is None or outputs is None:
            return
        root = getattr(dataset, 'data_root', None) or type(dataset).__name__
        if len(classes) > outputs:
            n = len(classes)
            raise ValueError(
                f'{stage} data set {root!r} has {n} classes {tuple(classes)}'
                f' but {self.head_key}.num_classes is {outputs}: set '
                f'--cfg-options {self.head_key}.num_classes={n} '
                f'model.data_preprocessor.num_classes={n}')
        if len(classes) < outputs:
            runner.logger.warning(
                f'{stage} data set {root!r} has {len(classes)} classes '
                f'{tuple(classes)}; {self.head_key}.num_classes is '
                f'{outputs}, so {outputs - len(classes)} output(s) are '
                'never a target')

    def before_train(self, runner) -> None:
        self._check(runner, runner.train_dataloader, 'training')

    def before_val(self, runner) -> None:
        self._check(runner, runner.val_dataloader, 'validation')

    def before_test(self, runner) -> None:
        self._check(runner, runner.test_dataloader, 'test')
