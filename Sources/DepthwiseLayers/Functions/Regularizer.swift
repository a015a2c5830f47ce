import DepthwiseConvolution

/// A penalty on a weight or an activation that adds to the loss: Keras's `L1`, `L2` and `L1L2`.
///
/// `loss(w) = l1 * Σ|w| + l2 * Σ w²`, with gradient `l1 * sign(w) + 2 * l2 * w`.
public struct Regularizer: Hashable, Sendable, CustomStringConvertible {
    /// Keras's class name: `L1`, `L2` or `L1L2`.
    public let kerasClassName: String
    /// The weight of the absolute values.
    public let l1: Double
    /// The weight of the squares.
    public let l2: Double

    /// `l1 * Σ|w|`.
    public static func l1(_ l1: Double = 0.01) -> Regularizer {
        Regularizer(kerasClassName: "L1", l1: l1, l2: 0)
    }

    /// `l2 * Σ w²`.
    public static func l2(_ l2: Double = 0.01) -> Regularizer {
        Regularizer(kerasClassName: "L2", l1: 0, l2: l2)
    }

    /// `l1 * Σ|w| + l2 * Σ w²`.
    public static func l1l2(l1: Double = 0, l2: Double = 0) -> Regularizer {
        Regularizer(kerasClassName: "L1L2", l1: l1, l2: l2)
    }

    public var description: String { "\(kerasClassName)(l1: \(l1), l2: \(l2))" }

    /// Checks that both weights are finite and non-negative, as Keras requires.
    public func validate() throws {
        for (name, value) in [("l1", l1), ("l2", l2)] where !(value.isFinite && value >= 0) {
            throw DepthwiseError(.invalidConfiguration, "the \(kerasClassName) regularizer needs \(name) ≥ 0, got \(value)")
        }
    }

    /// The penalty on `values`, summed in `Double`.
    public func loss<Scalar: DepthwiseScalar>(_ values: Tensor<Scalar>) -> Double {
        values.scalars.reduce(0) { sum, element in
            let w = element.doubleValue
            return sum + l1 * abs(w) + l2 * w * w
        }
    }

    /// The penalty's derivative with respect to one value, `l1 * sign(w) + 2 * l2 * w`.
    func derivative(at w: Double) -> Double {
        let sign: Double = w > 0 ? 1 : (w < 0 ? -1 : 0)
        return l1 * sign + 2 * l2 * w
    }
}
