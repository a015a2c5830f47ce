import DepthwiseConvolution

/// How a layer fills a weight when it is built: Keras's initializers.
///
/// The variance-scaling family (Glorot, He, LeCun) counts fans as Keras does for
/// convolution kernels. For the depthwise kernel `[kh, kw, C, M]`:
/// `fanIn = kh * kw * C` and `fanOut = kh * kw * M`; for a bias `[n]`, both are `n`.
///
/// Random initializers with a seed give the same values every time; without one,
/// each call draws a new seed. The random streams differ from Keras's, the
/// distributions are the same.
public struct Initializer: Hashable, Sendable, CustomStringConvertible {
    /// How the variance-scaling initializer turns fans into a variance.
    public enum FanMode: String, Hashable, Sendable {
        case fanIn = "fan_in"
        case fanOut = "fan_out"
        case fanAverage = "fan_avg"
    }

    /// The distribution of the variance-scaling initializer.
    public enum Distribution: String, Hashable, Sendable {
        /// Uniform in `[-√(3 v), √(3 v)]`.
        case uniform
        /// Normal, redrawn outside two standard deviations, scaled to variance `v`.
        case truncatedNormal = "truncated_normal"
        /// Normal with variance `v`.
        case untruncatedNormal = "untruncated_normal"
    }

    enum Kind: Hashable, Sendable {
        case constant(Double)
        case uniform(minimum: Double, maximum: Double)
        case normal(mean: Double, standardDeviation: Double)
        case truncatedNormal(mean: Double, standardDeviation: Double)
        case varianceScaling(scale: Double, mode: FanMode, distribution: Distribution, inputAxes: [Int]?, outputAxes: [Int]?)
    }

    /// Keras's class name, such as `GlorotUniform`.
    public let kerasClassName: String
    let kind: Kind
    /// The seed of a random initializer; `nil` draws a new one on each use.
    public var seed: Int?

    public var description: String { kerasClassName }

    /// All zeros.
    public static let zeros = Initializer(kerasClassName: "Zeros", kind: .constant(0))
    /// All ones.
    public static let ones = Initializer(kerasClassName: "Ones", kind: .constant(1))

    /// Every element equal to `value`.
    public static func constant(_ value: Double) -> Initializer {
        Initializer(kerasClassName: "Constant", kind: .constant(value))
    }

    /// Uniform in `[minimum, maximum)`.
    public static func randomUniform(minimum: Double = -0.05, maximum: Double = 0.05, seed: Int? = nil) -> Initializer {
        Initializer(kerasClassName: "RandomUniform", kind: .uniform(minimum: minimum, maximum: maximum), seed: seed)
    }

    /// Normal with the given mean and standard deviation.
    public static func randomNormal(mean: Double = 0, standardDeviation: Double = 0.05, seed: Int? = nil) -> Initializer {
        Initializer(kerasClassName: "RandomNormal", kind: .normal(mean: mean, standardDeviation: standardDeviation), seed: seed)
    }

    /// Normal with the given mean and standard deviation, redrawn outside two standard deviations.
    public static func truncatedNormal(mean: Double = 0, standardDeviation: Double = 0.05, seed: Int? = nil) -> Initializer {
        Initializer(
            kerasClassName: "TruncatedNormal", kind: .truncatedNormal(mean: mean, standardDeviation: standardDeviation), seed: seed)
    }

    /// Variance `scale / n`, with `n` the fan chosen by `mode` (at least 1).
    ///
    /// `inputAxes` and `outputAxes`, when both are given, name the kernel axes whose
    /// sizes multiply into the fans instead of the convolution rule.
    public static func varianceScaling(
        scale: Double = 1, mode: FanMode = .fanIn, distribution: Distribution = .truncatedNormal, seed: Int? = nil,
        inputAxes: [Int]? = nil, outputAxes: [Int]? = nil
    ) -> Initializer {
        scaled("VarianceScaling", scale, mode, distribution, seed, inputAxes, outputAxes)
    }

    /// Glorot (Xavier) uniform: variance `1 / fanAverage`; Keras's default kernel initializer.
    public static func glorotUniform(seed: Int? = nil, inputAxes: [Int]? = nil, outputAxes: [Int]? = nil) -> Initializer {
        scaled("GlorotUniform", 1, .fanAverage, .uniform, seed, inputAxes, outputAxes)
    }

    /// Glorot (Xavier) normal: variance `1 / fanAverage`, truncated normal.
    public static func glorotNormal(seed: Int? = nil, inputAxes: [Int]? = nil, outputAxes: [Int]? = nil) -> Initializer {
        scaled("GlorotNormal", 1, .fanAverage, .truncatedNormal, seed, inputAxes, outputAxes)
    }

    /// He uniform: variance `2 / fanIn`.
    public static func heUniform(seed: Int? = nil, inputAxes: [Int]? = nil, outputAxes: [Int]? = nil) -> Initializer {
        scaled("HeUniform", 2, .fanIn, .uniform, seed, inputAxes, outputAxes)
    }

    /// He normal: variance `2 / fanIn`, truncated normal.
    public static func heNormal(seed: Int? = nil, inputAxes: [Int]? = nil, outputAxes: [Int]? = nil) -> Initializer {
        scaled("HeNormal", 2, .fanIn, .truncatedNormal, seed, inputAxes, outputAxes)
    }

    /// LeCun uniform: variance `1 / fanIn`.
    public static func lecunUniform(seed: Int? = nil, inputAxes: [Int]? = nil, outputAxes: [Int]? = nil) -> Initializer {
        scaled("LecunUniform", 1, .fanIn, .uniform, seed, inputAxes, outputAxes)
    }

    /// LeCun normal: variance `1 / fanIn`, truncated normal.
    public static func lecunNormal(seed: Int? = nil, inputAxes: [Int]? = nil, outputAxes: [Int]? = nil) -> Initializer {
        scaled("LecunNormal", 1, .fanIn, .truncatedNormal, seed, inputAxes, outputAxes)
    }

    private static func scaled(
        _ name: String, _ scale: Double, _ mode: FanMode, _ distribution: Distribution, _ seed: Int?, _ inputAxes: [Int]?,
        _ outputAxes: [Int]?
    ) -> Initializer {
        Initializer(
            kerasClassName: name,
            kind: .varianceScaling(
                scale: scale, mode: mode, distribution: distribution, inputAxes: inputAxes, outputAxes: outputAxes),
            seed: seed)
    }

    /// Checks the arguments as Keras does: a positive scale and standard deviation, an ordered range.
    public func validate() throws {
        let problem: String? =
            switch kind {
            case .constant(let value): value.isFinite ? nil : "a finite value, got \(value)"
            case .uniform(let low, let high): low <= high ? nil : "minimum ≤ maximum, got \(low) and \(high)"
            case .normal(_, let deviation), .truncatedNormal(_, let deviation):
                deviation >= 0 ? nil : "a non-negative standard deviation, got \(deviation)"
            case .varianceScaling(let scale, _, _, let inputAxes, let outputAxes):
                if !(scale > 0) {
                    "a positive scale, got \(scale)"
                } else if (inputAxes == nil) != (outputAxes == nil) {
                    "both input_axes and output_axes, or neither"
                } else {
                    nil
                }
            }
        if let problem {
            throw DepthwiseError(.invalidConfiguration, "the \(kerasClassName) initializer needs \(problem)")
        }
    }

    /// A new tensor of the given shape, filled as this initializer says.
    ///
    /// - Throws: ``DepthwiseError`` if the arguments are invalid, or the shape is.
    public func tensor<Scalar: DepthwiseScalar>(shape: [Int], of _: Scalar.Type = Scalar.self) throws -> Tensor<Scalar> {
        try validate()
        let count = try Tensor<Scalar>.elementCount(of: shape)
        var generator = SeededGenerator(seed: seed ?? Int.random(in: .min ... .max))
        var values = [Double]()
        values.reserveCapacity(count)
        switch kind {
        case .constant(let value):
            values = Array(repeating: value, count: count)
        case .uniform(let low, let high):
            for _ in 0..<count { values.append(low + (high - low) * generator.nextUnit()) }
        case .normal(let mean, let deviation):
            for _ in 0..<count { values.append(mean + deviation * generator.nextNormal()) }
        case .truncatedNormal(let mean, let deviation):
            for _ in 0..<count { values.append(mean + deviation * generator.nextTruncatedNormal()) }
        case .varianceScaling(let scale, let mode, let distribution, let inputAxes, let outputAxes):
            let fans = try Self.fans(of: shape, inputAxes: inputAxes, outputAxes: outputAxes)
            let fan: Double =
                switch mode {
                case .fanIn: fans.in
                case .fanOut: fans.out
                case .fanAverage: (fans.in + fans.out) / 2
                }
            let variance = scale / max(1, fan)
            for _ in 0..<count {
                switch distribution {
                case .uniform:
                    let limit = (3 * variance).squareRoot()
                    values.append(limit * (2 * generator.nextUnit() - 1))
                case .truncatedNormal:
                    // 0.8796... is the standard deviation of a unit normal truncated to [-2, 2].
                    values.append(variance.squareRoot() / 0.879_625_661_034_239_78 * generator.nextTruncatedNormal())
                case .untruncatedNormal:
                    values.append(variance.squareRoot() * generator.nextNormal())
                }
            }
        }
        return try Tensor(shape: shape, scalars: values.map(Scalar.init))
    }

    /// Keras's `compute_fans`: the named axes if given, else the convolution rule
    /// (`fanIn = receptive * shape[-2]`, `fanOut = receptive * shape[-1]`).
    static func fans(of shape: [Int], inputAxes: [Int]?, outputAxes: [Int]?) throws -> (in: Double, out: Double) {
        if let inputAxes, let outputAxes {
            let valid = (inputAxes + outputAxes).allSatisfy { shape.indices.contains($0) }
            guard valid else {
                throw DepthwiseError(
                    .invalidConfiguration,
                    "initializer axes \(inputAxes) and \(outputAxes) do not fit a weight of shape \(shape)")
            }
            return (Double(inputAxes.map { shape[$0] }.reduce(1, *)), Double(outputAxes.map { shape[$0] }.reduce(1, *)))
        }
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (Double(shape[0]), Double(shape[0]))
        case 2: return (Double(shape[0]), Double(shape[1]))
        default:
            let receptive = Double(shape.dropLast(2).reduce(1, *))
            return (receptive * Double(shape[shape.count - 2]), receptive * Double(shape[shape.count - 1]))
        }
    }
}

extension SeededGenerator {
    /// A standard normal sample redrawn until it lies within two standard deviations.
    mutating func nextTruncatedNormal() -> Double {
        while true {
            let sample = nextNormal()
            if abs(sample) <= 2 { return sample }
        }
    }
}
