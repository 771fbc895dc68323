"""Image classification through ONNX Runtime, MMPretrain-inferencer style.

An ONNX file written by ``tools/deploy/export_onnx.py`` carries, in its
metadata, the model's config (for the test pipeline), its data
preprocessor settings and its class names, so it is used without the
config or checkpoint it came from.
"""
import json
from typing import List, Optional, Sequence

import numpy as np
import torch
from mmengine.config import Config
from mmpretrain.apis import ImageClassificationInferencer
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

#: Metadata keys of the exported ONNX files.
META_CONFIG = 'mmpretrain_config'
META_CLASSES = 'classes'
META_PREPROCESSOR = 'data_preprocessor'


def onnx_providers(device: Optional[str]) -> List[str]:
    """ONNX Runtime execution providers for a torch-style device name."""
    import onnxruntime as ort
    providers = ['CPUExecutionProvider']
    if device and device.startswith('cuda') and \
            'CUDAExecutionProvider' in ort.get_available_providers():
        providers.insert(0, 'CUDAExecutionProvider')
    return providers


class ONNXClassificationInferencer(ImageClassificationInferencer):
    """:class:`ImageClassificationInferencer` whose forward pass runs an
    exported ONNX graph (``input`` N x 3 x H x W -> ``logits`` N x C).

    Preprocessing (the test pipeline and the data preprocessor) is
    MMPretrain's, built from the file's metadata; scores are the softmax of
    the logits, as in MMPretrain's ``ClsHead.predict``. The parent's
    ``__init__`` is not called because it builds a PyTorch model.

    Args:
        onnx_file (str): The exported model.
        device (str, optional): ``'cuda...'`` uses CUDA when ONNX Runtime
            has it, else CPU.
        classes (Sequence[str], optional): Override the stored names.
    """

    def __init__(self,
                 onnx_file: str,
                 device: Optional[str] = None,
                 classes: Optional[Sequence[str]] = None) -> None:
        import onnxruntime as ort
        self.session = ort.InferenceSession(
            onnx_file, providers=onnx_providers(device))
        meta = self.session.get_modelmeta().custom_metadata_map
        missing = {META_CONFIG, META_CLASSES, META_PREPROCESSOR} - set(meta)
        if missing:
            raise ValueError(
                f'{onnx_file} lacks the metadata {sorted(missing)}; export '
                'it with tools/deploy/export_onnx.py')
        self.config = Config.fromstring(meta[META_CONFIG], '.py')
        if self.config.get('custom_imports'):
            from mmengine.utils import import_modules_from_strings
            import_modules_from_strings(**self.config.custom_imports)
        self.model = None
        self.pipeline = self._init_pipeline(self.config)
        self.visualizer = None
        self.data_preprocessor = MODELS.build(
            json.loads(meta[META_PREPROCESSOR]))
        self.input_name = self.session.get_inputs()[0].name
        num_outputs = self.session.get_outputs()[0].shape[-1]
        self.classes = list(classes or json.loads(meta[META_CLASSES]))
        if isinstance(num_outputs, int) and len(self.classes) != num_outputs:
            raise ValueError(f'{len(self.classes)} class names for the '
                             f'{num_outputs} outputs of {onnx_file}')

    @torch.no_grad()
    def forward(self, inputs: dict, **kwargs) -> List[DataSample]:
        """Run one preprocessed batch through ONNX Runtime."""
        data = self.data_preprocessor(inputs, False)
        logits = self.session.run(None,
                                  {self.input_name: data['inputs'].numpy()})[0]
        scores = torch.from_numpy(np.asarray(logits)).softmax(dim=1)
        samples = data['data_samples'] or [DataSample() for _ in scores]
        for sample, score in zip(samples, scores):
            sample.set_pred_score(score).set_pred_label(score.argmax())
        return samples
