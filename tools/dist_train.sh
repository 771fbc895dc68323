#!/usr/bin/env bash
# MMPretrain's dist_train.sh through torchrun (torch.distributed.run).
# Usage: tools/dist_train.sh CONFIG NUM_PROCS [train.py args...]
# NUM_PROCS is the number of GPUs per node; on a machine without CUDA it is
# the number of CPU processes (gloo backend, see docs/training.md).

CONFIG=$1
GPUS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}

PYTHONPATH="$(dirname $0)/..":$PYTHONPATH \
python -m torch.distributed.run \
    --nnodes=$NNODES \
    --node_rank=$NODE_RANK \
    --master_addr=$MASTER_ADDR \
    --nproc_per_node=$GPUS \
    --master_port=$PORT \
    $(dirname "$0")/train.py \
    $CONFIG \
    --launcher pytorch ${@:3}
