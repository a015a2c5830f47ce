"""Times the CPU gradients of the depthwise convolution in TensorFlow (DepthwiseConv2dNativeBackpropInput
and ...BackpropFilter) and PyTorch (aten.convolution_backward, NCHW and channels-last) on the layers
of `depthwise bench`, for comparison with
`depthwise bench --op backprop-input|backprop-filter --dtype float32 --data-format NHWC`.

Needs the peers asked for (pip install tensorflow-cpu torch). Prints one JSON object per layer,
gradient and peer: median milliseconds over repeats, Python call overhead included (about 10 to
30 microseconds). PyTorch's input gradient is that of the padded input (SAME padding applied
beforehand, as TensorFlow splits it), which needs no further work."""
import argparse, json, os, statistics, time

import numpy as np

LAYERS = [  # name, size, channels, filter, stride (NHWC, SAME padding, multiplier 1)
    ("mbv2-112x112x32-s1", 112, 32, 3, 1), ("mbv2-112x112x96-s2", 112, 96, 3, 2),
    ("mbv2-56x56x144-s1", 56, 144, 3, 1), ("mbv2-56x56x144-s2", 56, 144, 3, 2),
    ("mbv2-28x28x192-s1", 28, 192, 3, 1), ("mbv2-14x14x576-s1", 14, 576, 3, 1),
    ("mbv2-7x7x960-s1", 7, 960, 3, 1), ("effb0-28x28x240-k5", 28, 240, 5, 1),
    ("effb0-14x14x672-k5s2", 14, 672, 5, 2),
]


def median_ms(fn, repeats):
    for _ in range(3):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def tensorflow_gradients(args):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    rng = np.random.default_rng(0)
    for name, size, channels, k, stride in LAYERS:
        x = tf.constant(rng.standard_normal((args.batch, size, size, channels), dtype=np.float32))
        f = tf.constant(rng.standard_normal((k, k, channels, 1), dtype=np.float32))
        out = -(-size // stride)
        g = tf.constant(rng.standard_normal((args.batch, out, out, channels), dtype=np.float32))
        strides = [1, stride, stride, 1]
        ops = {
            "backprop-input": tf.function(lambda: tf.raw_ops.DepthwiseConv2dNativeBackpropInput(
                input_sizes=tf.constant(x.shape.as_list()), filter=f, out_backprop=g, strides=strides, padding="SAME")),
            "backprop-filter": tf.function(lambda: tf.raw_ops.DepthwiseConv2dNativeBackpropFilter(
                input=x, filter_sizes=tf.constant(f.shape.as_list()), out_backprop=g, strides=strides, padding="SAME")),
        }
        for op, fn in ops.items():
            ms = median_ms(lambda: fn().numpy(), args.repeats)
            print(json.dumps({"layer": name, "op": op, "peer": "tensorflow", "batch": args.batch, "median_ms": round(ms, 5)}))


def torch_gradients(args):
    import torch

    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    for name, size, channels, k, stride in LAYERS:
        out = -(-size // stride)
        padded = (out - 1) * stride + k  # SAME: the input plus TensorFlow's padding
        x = torch.from_numpy(rng.standard_normal((args.batch, channels, padded, padded), dtype=np.float32))
        w = torch.from_numpy(rng.standard_normal((channels, 1, k, k), dtype=np.float32))
        g = torch.from_numpy(rng.standard_normal((args.batch, channels, out, out), dtype=np.float32))
        for layout, memory_format in (("nchw", torch.contiguous_format), ("channels-last", torch.channels_last)):
            xl, wl, gl = (t.contiguous(memory_format=memory_format) for t in (x, w, g))
            for op, mask in (("backprop-input", [True, False, False]), ("backprop-filter", [False, True, False])):
                def run():
                    return torch.ops.aten.convolution_backward(
                        gl, xl, wl, None, [stride, stride], [0, 0], [1, 1], False, [0, 0], channels, mask)
                with torch.no_grad():
                    ms = median_ms(run, args.repeats)
                print(json.dumps({"layer": name, "op": op, "peer": f"torch-{layout}", "batch": args.batch, "median_ms": round(ms, 5)}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--peers", default="tensorflow,torch", help="comma-separated: tensorflow, torch")
    args = parser.parse_args()
    peers = {"tensorflow": tensorflow_gradients, "torch": torch_gradients}
    for peer in args.peers.split(","):
        peers[peer](args)


if __name__ == "__main__":
    main()
