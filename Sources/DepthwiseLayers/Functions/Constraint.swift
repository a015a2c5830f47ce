import DepthwiseConvolution

/// A projection applied to a weight after each optimizer step: Keras's constraints.
///
/// The norms are Euclidean, taken over `axes` of the weight (for the depthwise kernel
/// `[kh, kw, C, M]`, `[0, 1, 2]` constrains each of the `M` filters over its window and
/// channels; Keras's default `0` takes the norm along the filter height only), and
/// `ε = 1e-7` as in Keras.
public struct Constraint: Hashable, Sendable, CustomStringConvertible {
    enum Kind: Hashable, Sendable {
        case maxNorm(maximum: Double)
        case minMaxNorm(minimum: Double, maximum: Double, rate: Double)
        case unitNorm
        case nonNegative
    }

    let kind: Kind
    /// The axes the norms are taken over (unused by ``nonNegative``).
    public let axes: [Int]

    /// Rescales each slice whose norm exceeds `maximum` to norm `maximum`: `w * clip(n, 0, max) / (ε + n)`.
    public static func maxNorm(_ maximum: Double = 2, axes: [Int] = [0]) -> Constraint {
        Constraint(kind: .maxNorm(maximum: maximum), axes: axes)
    }

    /// Moves each slice's norm toward `[minimum, maximum]`:
    /// `w * (rate * clip(n, min, max) + (1 - rate) * n) / (ε + n)`.
    public static func minMaxNorm(minimum: Double = 0, maximum: Double = 1, rate: Double = 1, axes: [Int] = [0]) -> Constraint {
        Constraint(kind: .minMaxNorm(minimum: minimum, maximum: maximum, rate: rate), axes: axes)
    }

    /// Scales each slice to unit norm: `w / (ε + n)`.
    public static func unitNorm(axes: [Int] = [0]) -> Constraint {
        Constraint(kind: .unitNorm, axes: axes)
    }

    /// Replaces negative values by zero.
    public static let nonNegative = Constraint(kind: .nonNegative, axes: [])

    public var description: String { "\(kerasClassName)(axes: \(axes))" }

    /// Keras's class name, such as `MaxNorm`.
    public var kerasClassName: String {
        switch kind {
        case .maxNorm: "MaxNorm"
        case .minMaxNorm: "MinMaxNorm"
        case .unitNorm: "UnitNorm"
        case .nonNegative: "NonNeg"
        }
    }

    /// The weight projected by this constraint.
    ///
    /// Negative axes count from the end, as in Keras.
    /// - Throws: ``DepthwiseError`` if an axis is outside the weight's rank.
    public func applied<Scalar: DepthwiseScalar>(to weight: Tensor<Scalar>) throws -> Tensor<Scalar> {
        var values = weight.scalars.map(\.doubleValue)
        switch kind {
        case .nonNegative:
            values = values.map { max($0, 0) }
        case .maxNorm(let maximum):
            try scaleSlices(of: &values, shape: weight.shape) { norm in min(max(norm, 0), maximum) / (Self.epsilon + norm) }
        case .minMaxNorm(let minimum, let maximum, let rate):
            try scaleSlices(of: &values, shape: weight.shape) { norm in
                (rate * min(max(norm, minimum), maximum) + (1 - rate) * norm) / (Self.epsilon + norm)
            }
        case .unitNorm:
            try scaleSlices(of: &values, shape: weight.shape) { norm in 1 / (Self.epsilon + norm) }
        }
        return try Tensor(shape: weight.shape, scalars: values.map(Scalar.init))
    }

    /// Keras's `backend.epsilon()`.
    static let epsilon = 1e-7

    /// Multiplies every element by `factor(norm)`, where `norm` is the Euclidean norm of
    /// the elements that share its position on the axes not in ``axes``.
    private func scaleSlices(of values: inout [Double], shape: [Int], factor: (Double) -> Double) throws {
        let reduced = try Set(
            axes.map { axis in
                let resolved = axis < 0 ? axis + shape.count : axis
                guard shape.indices.contains(resolved) else {
                    throw DepthwiseError(
                        .invalidConfiguration, "the \(kerasClassName) constraint's axis \(axis) is outside a weight of shape \(shape)")
                }
                return resolved
            })
        // The slice of each element: its row-major index with the reduced axes' coordinates dropped.
        let slices = values.indices.map { index in
            var remainder = index
            var slice = 0
            var sliceStride = 1
            for axis in shape.indices.reversed() {
                let coordinate = remainder % shape[axis]
                remainder /= shape[axis]
                if !reduced.contains(axis) {
                    slice += coordinate * sliceStride
                    sliceStride *= shape[axis]
                }
            }
            return slice
        }
        let sliceCount = shape.indices.filter { !reduced.contains($0) }.map { shape[$0] }.reduce(1, *)
        var squares = [Double](repeating: 0, count: sliceCount)
        for (value, slice) in zip(values, slices) { squares[slice] += value * value }
        let factors = squares.map { factor($0.squareRoot()) }
        for (index, slice) in zip(values.indices, slices) { values[index] *= factors[slice] }
    }
}
