import Foundation

/// An element-wise activation function and its derivative, as Keras defines them.
///
/// Both are evaluated in `Double`; the layer rounds the result once to its scalar type.
/// Where a function has a kink (ReLU at 0, ReLU6 at 0 and 6, hard sigmoid at ±3),
/// the derivative takes the value TensorFlow's gradient takes there.
///
/// ```swift
/// let layer = try DepthwiseConv2D<Float>(kernelSize: 3, activation: .relu6)
/// let custom = Activation(name: "cube", function: { $0 * $0 * $0 }, derivative: { 3 * $0 * $0 })
/// ```
public struct Activation: Sendable, CustomStringConvertible {
    /// Keras's name for the function (`"relu"`, `"gelu"`, ...), used in configs.
    public let name: String
    /// The function, `y = f(x)`.
    public let function: @Sendable (Double) -> Double
    /// Its derivative `f'(x)`, taken at the input `x`.
    public let derivative: @Sendable (Double) -> Double

    /// Creates an activation from a function and its derivative.
    ///
    /// - Parameters:
    ///   - name: The name written in a Keras config for this activation.
    ///   - function: `f(x)`.
    ///   - derivative: `f'(x)`.
    public init(
        name: String, function: @escaping @Sendable (Double) -> Double, derivative: @escaping @Sendable (Double) -> Double
    ) {
        self.name = name
        self.function = function
        self.derivative = derivative
    }

    public var description: String { name }

    /// Whether this is the identity, which the layer skips.
    var isLinear: Bool { name == "linear" }
}

extension Activation {
    /// `x`.
    public static let linear = Activation(name: "linear", function: { $0 }, derivative: { _ in 1 })

    /// `max(x, 0)`.
    public static let relu = Activation(name: "relu", function: { max($0, 0) }, derivative: { $0 > 0 ? 1 : 0 })

    /// `min(max(x, 0), 6)`.
    public static let relu6 = Activation(
        name: "relu6", function: { min(max($0, 0), 6) }, derivative: { $0 > 0 && $0 < 6 ? 1 : 0 })

    /// `x` for positive `x`, else `0.2 x` (Keras's default negative slope).
    public static let leakyReLU = Activation(
        name: "leaky_relu", function: { $0 > 0 ? $0 : 0.2 * $0 }, derivative: { $0 > 0 ? 1 : 0.2 })

    /// `1 / (1 + exp(-x))`.
    public static let sigmoid = Activation(
        name: "sigmoid", function: logistic,
        derivative: { x in
            let s = logistic(x)
            return s * (1 - s)
        })

    /// `tanh(x)`.
    public static let tanh = Activation(
        name: "tanh", function: { Foundation.tanh($0) },
        derivative: { x in
            let t = Foundation.tanh(x)
            return 1 - t * t
        })

    /// `x * sigmoid(x)`, also called swish.
    public static let silu = Activation(
        name: "silu", function: { $0 * logistic($0) },
        derivative: { x in
            let s = logistic(x)
            return s + x * s * (1 - s)
        })

    /// `x * Φ(x)` with `Φ` the standard normal distribution function (Keras's default, exact form).
    public static let gelu = Activation(
        name: "gelu", function: { x in 0.5 * x * (1 + erf(x / 2.0.squareRoot())) },
        derivative: { x in
            0.5 * (1 + erf(x / 2.0.squareRoot())) + x * exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
        })

    /// `x` for positive `x`, else `exp(x) - 1`.
    public static let elu = Activation(
        name: "elu", function: { $0 > 0 ? $0 : expm1($0) }, derivative: { $0 > 0 ? 1 : exp($0) })

    /// `λ x` for positive `x`, else `λ α (exp(x) - 1)`, with Keras's constants λ and α.
    public static let selu = Activation(
        name: "selu",
        function: { $0 > 0 ? seluScale * $0 : seluScale * seluAlpha * expm1($0) },
        derivative: { $0 > 0 ? seluScale : seluScale * seluAlpha * exp($0) })

    /// `log(1 + exp(x))`.
    public static let softplus = Activation(name: "softplus", function: softplusValue, derivative: logistic)

    /// `x / (1 + |x|)`.
    public static let softsign = Activation(
        name: "softsign", function: { $0 / (1 + abs($0)) },
        derivative: { x in
            let d = 1 + abs(x)
            return 1 / (d * d)
        })

    /// `relu6(x + 3) / 6`.
    public static let hardSigmoid = Activation(
        name: "hard_sigmoid", function: hardSigmoidValue, derivative: { $0 > -3 && $0 < 3 ? 1.0 / 6 : 0 })

    /// `x * hard_sigmoid(x)`, also called hard swish.
    public static let hardSiLU = Activation(
        name: "hard_silu", function: { $0 * hardSigmoidValue($0) },
        derivative: { x in hardSigmoidValue(x) + (x > -3 && x < 3 ? x / 6 : 0) })

    /// `exp(x)`.
    public static let exponential = Activation(name: "exponential", function: { exp($0) }, derivative: { exp($0) })

    /// `x * tanh(softplus(x))`.
    public static let mish = Activation(
        name: "mish", function: { $0 * Foundation.tanh(softplusValue($0)) },
        derivative: { x in
            let t = Foundation.tanh(softplusValue(x))
            return t + x * logistic(x) * (1 - t * t)
        })

    /// Every named activation, under Keras's names and aliases (`swish`, `hard_swish`).
    public static let named: [String: Activation] = {
        let all: [Activation] = [
            .linear, .relu, .relu6, .leakyReLU, .sigmoid, .tanh, .silu, .gelu, .elu, .selu, .softplus, .softsign,
            .hardSigmoid, .hardSiLU, .exponential, .mish,
        ]
        var table = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
        table["swish"] = .silu
        table["hard_swish"] = .hardSiLU
        return table
    }()
}

// SELU's constants, as in Keras.
private let seluScale = 1.0507009873554804934193349852946
private let seluAlpha = 1.6732632423543772848170429916717

/// The logistic sigmoid, without overflow for large `|x|`.
@Sendable private func logistic(_ x: Double) -> Double {
    if x >= 0 { return 1 / (1 + exp(-x)) }
    let e = exp(x)
    return e / (1 + e)
}

/// `log(1 + exp(x))` computed as `max(x, 0) + log1p(exp(-|x|))`, exact for large `|x|`.
@Sendable private func softplusValue(_ x: Double) -> Double {
    max(x, 0) + log1p(exp(-abs(x)))
}

@Sendable private func hardSigmoidValue(_ x: Double) -> Double {
    min(max(x + 3, 0), 6) / 6
}
