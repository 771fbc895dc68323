# The tiny config without SQS: same backbone, budget and the very same
# batches (the quad sampler is kept, so both runs see the same images in the
# same order); only the SQS module and the enhanced classifier are removed.
_base_ = ['./sqsnet_tiny_1xb32-5e_synthetic-64px.py']

model = dict(head=dict(sqs=None))
