"""``import sqsnet_mm`` changes nothing in torch or mmengine but torch's
weights-only allow-list; the tools change mmengine's checkpoint loader for
their own process only."""
import subprocess
import sys

from ..utils import REPO_ROOT

IMPORT_ONLY = '''
import torch
from mmengine.runner.checkpoint import CheckpointLoader, load_from_local
set_device = torch.cuda.set_device
before = set(map(str, torch.serialization.get_safe_globals()))
import sqsnet_mm
from mmengine.logging import HistoryBuffer
assert CheckpointLoader._get_checkpoint_loader('a.pth') is load_from_local
assert torch.cuda.set_device is set_device
added = set(map(str, torch.serialization.get_safe_globals())) - before
assert str(HistoryBuffer) in added, added
import sys
assert 'sqsnet_mm.analysis' not in sys.modules  # measuring is opt-in
assert 'sqsnet_mm.apis' not in sys.modules
print('ok')
'''


def test_import_only_extends_the_weights_only_allow_list():
    # a fresh interpreter: other tests of this process replace the loader
    out = subprocess.run([sys.executable, '-c', IMPORT_ONLY],
                         cwd=REPO_ROOT,
                         capture_output=True,
                         text=True,
                         timeout=300)
    assert out.returncode == 0 and out.stdout.strip() == 'ok', out.stderr
