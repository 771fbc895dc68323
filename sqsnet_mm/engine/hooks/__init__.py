from .class_count_check_hook import ClassCountCheckHook
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook

__all__ = ['ClassCountCheckHook', 'NonFiniteLossError', 'NonFiniteLossHook']
