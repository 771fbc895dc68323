from .channels_last_hook import ChannelsLastHook
from .class_count_check_hook import ClassCountCheckHook
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook

__all__ = [
    'ChannelsLastHook', 'ClassCountCheckHook', 'NonFiniteLossError',
    'NonFiniteLossHook'
]
