import DepthwiseConvolution
import NumPyFormat

extension DepthwiseConv2D {
    /// Sets the weights from `.npy` files, as Keras's `get_weights()` writes them with
    /// `numpy.save`: the kernel `[kh, kw, C, M]` and, for a layer with bias, the bias `[C * M]`.
    ///
    /// Arrays of another floating-point type are converted to `Scalar`.
    /// - Throws: ``NumPyFormatError`` for an unreadable file, ``DepthwiseError`` for weights
    ///   that do not fit the layer.
    public mutating func loadWeights(kernelPath: String, biasPath: String?) throws {
        let kernel = try NumPyArray(contentsOf: kernelPath).tensor(convertingTo: Scalar.self)
        let bias = try biasPath.map { try NumPyArray(contentsOf: $0).tensor(convertingTo: Scalar.self) }
        try setWeights(kernel: kernel, bias: bias)
    }

    /// Writes the weights as `.npy` files that `numpy.load` and Keras's `set_weights` read.
    ///
    /// Each file is replaced atomically.
    /// - Throws: ``DepthwiseError`` if the layer is not built or has no bias to write;
    ///   a file-system error if a file cannot be written.
    public func saveWeights(kernelPath: String, biasPath: String?) throws {
        let kernel = try builtKernel()
        if let biasPath {
            guard let bias else {
                throw DepthwiseError(.invalidArgument, "the layer \(name) has no bias to write to \(biasPath)")
            }
            try NumPyArray(bias).write(to: biasPath)
        }
        try NumPyArray(kernel).write(to: kernelPath)
    }
}
