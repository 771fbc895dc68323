from .sqs_cls_head import SQSClsHead

__all__ = ['SQSClsHead']
