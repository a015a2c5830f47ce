import Foundation

/// An update rule for weights, given their gradients: Keras's optimizers.
///
/// An optimizer keeps state (momentum, moment estimates) per parameter, under the
/// name it is given; a layer names its weights `"<layer name>/kernel"` and `"<layer name>/bias"`.
public protocol Optimizer: Sendable {
    /// Moves `values` one step against `gradient`.
    ///
    /// - Precondition: `values` and `gradient` have the same count, and the same count
    ///   as in earlier calls for `parameter`.
    mutating func update(_ values: inout [Double], gradient: [Double], parameter: String)
}

/// Stochastic gradient descent, with optional momentum and Nesterov momentum, as Keras's `SGD`.
///
/// `v ← momentum * v - learningRate * g`; then `w ← w + v`, or with Nesterov
/// `w ← w + momentum * v - learningRate * g`.
public struct SGD: Optimizer {
    public var learningRate: Double
    public var momentum: Double
    public var nesterov: Bool
    private var velocities: [String: [Double]] = [:]

    public init(learningRate: Double = 0.01, momentum: Double = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
    }

    public mutating func update(_ values: inout [Double], gradient: [Double], parameter: String) {
        precondition(values.count == gradient.count, "SGD: \(parameter) has \(values.count) values and \(gradient.count) gradients")
        if momentum == 0 {
            for i in values.indices { values[i] -= learningRate * gradient[i] }
            return
        }
        var velocity = velocities[parameter] ?? [Double](repeating: 0, count: values.count)
        precondition(velocity.count == values.count, "SGD: \(parameter) changed size")
        for i in values.indices {
            velocity[i] = momentum * velocity[i] - learningRate * gradient[i]
            values[i] += nesterov ? momentum * velocity[i] - learningRate * gradient[i] : velocity[i]
        }
        velocities[parameter] = velocity
    }
}

/// Adam, as Keras's `Adam`: bias-corrected first and second moment estimates.
///
/// `m ← m + (g - m)(1 - β₁)`, `v ← v + (g² - v)(1 - β₂)`,
/// `w ← w - learningRate * √(1 - β₂ᵗ) / (1 - β₁ᵗ) * m / (√v + ε)` at step `t`.
public struct Adam: Optimizer {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    private var moments: [String: (step: Int, first: [Double], second: [Double])] = [:]

    public init(learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public mutating func update(_ values: inout [Double], gradient: [Double], parameter: String) {
        precondition(values.count == gradient.count, "Adam: \(parameter) has \(values.count) values and \(gradient.count) gradients")
        let zeros = [Double](repeating: 0, count: values.count)
        var (step, first, second) = moments[parameter] ?? (0, zeros, zeros)
        precondition(first.count == values.count, "Adam: \(parameter) changed size")
        step += 1
        let t = Double(step)
        let rate = learningRate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t))
        for i in values.indices {
            first[i] += (gradient[i] - first[i]) * (1 - beta1)
            second[i] += (gradient[i] * gradient[i] - second[i]) * (1 - beta2)
            values[i] -= rate * first[i] / (second[i].squareRoot() + epsilon)
        }
        moments[parameter] = (step, first, second)
    }
}
