from .concat_fusion import ConcatFusion
from .cross_attention_fusion import CrossAttentionFusion
from .data_preprocessor import QuadClsDataPreprocessor
from .deploy import (inference_model_config, inference_state_dict,
                     to_inference_classifier)
from .quads import hard_labels, mine_in_batch, split_quads

__all__ = [
    'ConcatFusion', 'CrossAttentionFusion', 'QuadClsDataPreprocessor',
    'inference_model_config', 'inference_state_dict',
    'to_inference_classifier', 'hard_labels', 'mine_in_batch', 'split_quads'
]
