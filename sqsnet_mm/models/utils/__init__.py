from .concat_fusion import ConcatFusion
from .cross_attention_fusion import CrossAttentionFusion
from .data_preprocessor import QuadClsDataPreprocessor
from .deploy import (inference_model_config, inference_state_dict,
                     to_inference_classifier)
from .quads import hard_labels, mine_in_batch, split_quads
from .spatial_quad_similarity import SpatialQuadSimilarity

__all__ = [
    'ConcatFusion', 'CrossAttentionFusion', 'QuadClsDataPreprocessor',
    'SpatialQuadSimilarity', 'inference_model_config', 'inference_state_dict',
    'to_inference_classifier', 'hard_labels', 'mine_in_batch', 'split_quads'
]
