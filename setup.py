from setuptools import find_packages, setup

setup(
    name='sqsnet_mm',
    version='0.1.0',
    description='SQSNet (Spatial Quad-Similarity) for facial expression '
    'recognition as MMPretrain components',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    packages=find_packages(include=['sqsnet_mm', 'sqsnet_mm.*']),
    python_requires='>=3.9',
    install_requires=[
        'torch>=2.4',  # torch.serialization.add_safe_globals
        'torchvision',
        'mmengine>=0.10.0,<0.11',
        'mmcv-lite>=2.0.0,<2.4.0',
        'mmpretrain>=1.2.0,<1.3',
        'timm>=1.0',
        'opencv-python>=4.5,<5',
        'numpy',
        'scipy',
        'matplotlib',
    ],
    extras_require={
        'deploy': ['onnx', 'onnxruntime'],
        'cam': ['grad-cam'],
        'tests': ['pytest'],
    },
)
