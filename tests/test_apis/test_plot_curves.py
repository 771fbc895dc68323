"""tools/analysis_tools/plot_curves.py on the scalars.json that mmengine
writes during real (toy) epoch- and iteration-based training runs
(``toy_runner.py``, in a child process)."""
import json
import os.path as osp
import subprocess
import sys

import cv2
import pytest


@pytest.mark.parametrize('by_epoch', [True, False])
def test_curves_of_a_training_run(tmp_path, load_tool, capsys, by_epoch):
    work_dir = tmp_path / 'run'
    subprocess.run([
        sys.executable,
        osp.join(osp.dirname(osp.abspath(__file__)), 'toy_runner.py'),
        str(work_dir),
        str(by_epoch)
    ],
                   check=True,
                   capture_output=True)
    (scalars, ) = work_dir.glob('*/vis_data/scalars.json')
    logged = [json.loads(line) for line in scalars.read_text().splitlines()]
    tool = load_tool('analysis_tools/plot_curves')
    assert tool.find_scalars(str(work_dir)) == str(scalars)
    train, val, exact = tool.load_scalars(str(scalars))
    assert train['loss'] == ([r['step'] for r in logged if 'lr' in r],
                             [r['loss'] for r in logged if 'lr' in r])
    assert train['loss'][0] == ([3, 7, 11] if by_epoch else [3, 6, 9, 12])
    # validation after iterations 4, 8 and 12, whatever mmengine's stamp
    # (the epoch, or 0) and although no loss was logged at 4 and 8
    assert exact
    assert val['toy/accuracy'] == ([4, 8, 12], [
        r['toy/accuracy'] for r in logged if 'toy/accuracy' in r
    ])
    assert tool.main([str(work_dir)]) == 0
    out = scalars.parent.parent / 'training_curves.png'
    assert capsys.readouterr().out == f'Training curves: {out}\n'
    image = cv2.imread(str(out))
    assert image is not None and image.std() > 0


def test_curve_errors(tmp_path, load_tool):
    tool = load_tool('analysis_tools/plot_curves')
    with pytest.raises(FileNotFoundError, match='no training scalars in'):
        tool.main([str(tmp_path)])
    scalars = tmp_path / '20260101_000000' / 'vis_data' / 'scalars.json'
    scalars.parent.mkdir(parents=True)
    scalars.write_text('{"lr": 0.1, "loss": 1.0, "step": 1}\n{"loss": \n')
    with pytest.raises(ValueError, match=r'scalars.json, line 2: not JSON'):
        tool.main([str(tmp_path)])
    scalars.write_text('{"lr": 0.1, "loss": 1.0, "step": 1}\n')
    with pytest.raises(
            ValueError,
            match=r"\['loss_x'\] not logged; logged: "
            r"\['loss', 'lr'\]"):
        tool.main([str(tmp_path), '--train-keys', 'loss_x'])
    assert tool.main([str(tmp_path), '--out', str(tmp_path / 'c.png')]) == 0
    assert (tmp_path / 'c.png').is_file()


def test_validation_without_log_or_config(tmp_path, load_tool, capsys):
    """Without the run's text log and config, a validation stamped with
    its epoch is put at the last logged iteration, and a note says so."""
    tool = load_tool('analysis_tools/plot_curves')
    scalars = tmp_path / 'vis_data' / 'scalars.json'
    scalars.parent.mkdir()
    scalars.write_text(
        '{"lr": 0.1, "loss": 1.0, "epoch": 1, "iter": 5, "step": 5}\n'
        '{"accuracy/top1": 50.0, "step": 1}\n')
    train, val, exact = tool.load_scalars(str(scalars))
    assert val == {'accuracy/top1': ([5], [50.0])} and not exact
    assert tool.main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith('note: validation points are at the last logged')
    assert out.endswith(f'Training curves: {tmp_path}/training_curves.png\n')
