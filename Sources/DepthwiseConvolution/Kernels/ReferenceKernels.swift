/// The defining formulas as plain loops, accumulating in `Double` and rounding once.
///
/// Slow and obviously right: the oracle the fast kernels are tested against.
enum ReferenceKernels {
    /// Calls `body(n, oh, ow, kh, kw, ih, iw)` for every output position and filter tap
    /// whose input position lies inside the input (padding contributes zeros).
    private static func forEachTap(
        _ g: ConvolutionGeometry, _ body: (_ n: Int, _ oh: Int, _ ow: Int, _ kh: Int, _ kw: Int, _ ih: Int, _ iw: Int) -> Void
    ) {
        for n in 0..<g.batch {
            for oh in 0..<g.outputHeight {
                for ow in 0..<g.outputWidth {
                    for kh in 0..<g.filterHeight {
                        let ih = oh * g.strides.height + kh * g.dilations.height - g.padTop
                        guard 0 <= ih && ih < g.inputHeight else { continue }
                        for kw in 0..<g.filterWidth {
                            let iw = ow * g.strides.width + kw * g.dilations.width - g.padLeft
                            guard 0 <= iw && iw < g.inputWidth else { continue }
                            body(n, oh, ow, kh, kw, ih, iw)
                        }
                    }
                }
            }
        }
    }

    /// output[n, oh, ow, c*M + q] = sum over (kh, kw) of filter[kh, kw, c, q] * input[n, ih, iw, c]
    static func forward<S: DepthwiseScalar>(
        _ g: ConvolutionGeometry, input: UnsafeBufferPointer<S>, filter: UnsafeBufferPointer<S>,
        output: UnsafeMutableBufferPointer<S>
    ) {
        var sums = [Double](repeating: 0, count: g.outputCount)
        forEachTap(g) { n, oh, ow, kh, kw, ih, iw in
            for c in 0..<g.channels {
                let x = input[g.inputOffset(n, ih, iw, c)].doubleValue
                for q in 0..<g.multiplier {
                    sums[g.outputOffset(n, oh, ow, c * g.multiplier + q)] += filter[g.filterOffset(kh, kw, c, q)].doubleValue * x
                }
            }
        }
        for i in sums.indices { output[i] = S(sums[i]) }
    }

    /// inputGradient[n, ih, iw, c] = sum over the (oh, ow, kh, kw, q) that read input[n, ih, iw, c]
    /// of filter[kh, kw, c, q] * outputGradient[n, oh, ow, c*M + q]
    static func backpropInput<S: DepthwiseScalar>(
        _ g: ConvolutionGeometry, outputGradient: UnsafeBufferPointer<S>, filter: UnsafeBufferPointer<S>,
        inputGradient: UnsafeMutableBufferPointer<S>
    ) {
        var sums = [Double](repeating: 0, count: g.inputCount)
        forEachTap(g) { n, oh, ow, kh, kw, ih, iw in
            for c in 0..<g.channels {
                for q in 0..<g.multiplier {
                    sums[g.inputOffset(n, ih, iw, c)] +=
                        filter[g.filterOffset(kh, kw, c, q)].doubleValue
                        * outputGradient[g.outputOffset(n, oh, ow, c * g.multiplier + q)].doubleValue
                }
            }
        }
        for i in sums.indices { inputGradient[i] = S(sums[i]) }
    }

    /// filterGradient[kh, kw, c, q] = sum over (n, oh, ow) of outputGradient[n, oh, ow, c*M + q] * input[n, ih, iw, c]
    static func backpropFilter<S: DepthwiseScalar>(
        _ g: ConvolutionGeometry, input: UnsafeBufferPointer<S>, outputGradient: UnsafeBufferPointer<S>,
        filterGradient: UnsafeMutableBufferPointer<S>
    ) {
        var sums = [Double](repeating: 0, count: g.filterCount)
        forEachTap(g) { n, oh, ow, kh, kw, ih, iw in
            for c in 0..<g.channels {
                let x = input[g.inputOffset(n, ih, iw, c)].doubleValue
                for q in 0..<g.multiplier {
                    sums[g.filterOffset(kh, kw, c, q)] += outputGradient[g.outputOffset(n, oh, ow, c * g.multiplier + q)].doubleValue * x
                }
            }
        }
        for i in sums.indices { filterGradient[i] = S(sums[i]) }
    }
}
