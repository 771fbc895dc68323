"""Generate the synthetic FER data set (RAF-DB layout) used by the quick
start.

Example::

    python tools/dataset_converters/make_synthetic_fer.py data/synthetic_fer
"""
import argparse
import time

from sqsnet_mm.datasets.synthetic import generate_synthetic_fer


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Draw synthetic faces with the seven basic expressions '
        'and write them in the RAF-DB basic layout.')
    parser.add_argument('out_dir', help='output folder')
    parser.add_argument('--num-train', type=int, default=8400)
    parser.add_argument('--num-test', type=int, default=700)
    parser.add_argument('--size', type=int, default=112, help='image side')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    start = time.perf_counter()
    label_file = generate_synthetic_fer(args.out_dir, args.num_train,
                                        args.num_test, args.size, args.seed)
    print(f'Wrote {args.num_train} train and {args.num_test} test images '
          f'({args.size} px) in {time.perf_counter() - start:.1f} s; '
          f'labels in {label_file}')


if __name__ == '__main__':
    main()
