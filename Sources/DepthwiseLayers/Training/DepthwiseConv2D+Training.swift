import DepthwiseConvolution

/// Where a training run stands, passed to the progress callback after each step.
public struct TrainingProgress: Sendable {
    /// The epoch, from 1.
    public let epoch: Int
    public let epochs: Int
    /// The step within the epoch, from 1.
    public let step: Int
    public let stepsPerEpoch: Int
    /// The mean training loss of the epoch's steps so far, penalties included.
    public let loss: Double
}

extension DepthwiseConv2D {
    /// One optimizer step on one batch: forward, loss, gradients (penalties included), update, constraints.
    ///
    /// - Returns: The batch's loss plus the layer's penalties, before the update.
    /// - Throws: ``DepthwiseError`` if the input or target does not fit the layer.
    @discardableResult
    public mutating func trainStep<O: Optimizer>(
        input: Tensor<Scalar>, target: Tensor<Scalar>, loss: Loss = .meanSquaredError, optimizer: inout O
    ) throws -> Double {
        let output = try self(input)
        let (value, outputGradient) = try loss.evaluate(prediction: output, target: target)
        let gradients = try gradients(input: input, outputGradient: outputGradient, includingRegularization: true)
        try applyGradients(gradients, optimizer: &optimizer)
        return value + losses.reduce(0, +)
    }

    /// Updates the weights with the optimizer, then applies the constraints, as Keras's
    /// `optimizer.apply_gradients`. Does nothing when the layer is not ``trainable``.
    ///
    /// - Throws: ``DepthwiseError`` if the layer is not built or the gradients' shapes differ from the weights'.
    public mutating func applyGradients<O: Optimizer>(_ gradients: LayerGradients<Scalar>, optimizer: inout O) throws {
        guard trainable else { return }
        let kernel = try builtKernel()
        guard gradients.kernel.shape == kernel.shape, gradients.bias?.shape == bias?.shape else {
            throw DepthwiseError(.shapeMismatch, "the gradients' shapes do not match the weights of layer \(name)")
        }
        var newKernel = try Self.updated(kernel, gradients.kernel, "\(name)/kernel", &optimizer)
        if let depthwiseConstraint { newKernel = try depthwiseConstraint.applied(to: newKernel) }
        var newBias: Tensor<Scalar>?
        if let bias, let biasGradient = gradients.bias {
            newBias = try Self.updated(bias, biasGradient, "\(name)/bias", &optimizer)
            if let biasConstraint, let unconstrained = newBias { newBias = try biasConstraint.applied(to: unconstrained) }
        }
        self.kernel = newKernel
        self.bias = newBias
    }

    private static func updated<O: Optimizer>(
        _ weight: Tensor<Scalar>, _ gradient: Tensor<Scalar>, _ parameter: String, _ optimizer: inout O
    ) throws -> Tensor<Scalar> {
        var values = weight.scalars.map(\.doubleValue)
        optimizer.update(&values, gradient: gradient.scalars.map(\.doubleValue), parameter: parameter)
        return try Tensor(shape: weight.shape, scalars: values.map(Scalar.init))
    }

    /// Trains the layer on input/target pairs, as Keras's `fit`: `epochs` passes over the
    /// examples in batches of `batchSize` (the last one may be smaller).
    ///
    /// ```swift
    /// var layer = try DepthwiseConv2D<Float>(kernelSize: 3, padding: .same)
    /// var adam = Adam(learningRate: 0.01)
    /// let history = try layer.fit(inputs: x, targets: y, epochs: 50, optimizer: &adam)
    /// ```
    ///
    /// - Parameters:
    ///   - inputs: The examples, stacked along the first (batch) dimension.
    ///   - targets: The wanted outputs, stacked the same way.
    ///   - shuffleSeed: The order of examples is shuffled each epoch from this seed,
    ///     reproducibly; `nil` keeps them in order.
    ///   - progress: Called after every step.
    /// - Returns: Each epoch's mean loss, penalties included.
    /// - Throws: ``DepthwiseError`` if the batch size or epoch count is not positive, or the shapes do not fit.
    @discardableResult
    public mutating func fit<O: Optimizer>(
        inputs: Tensor<Scalar>, targets: Tensor<Scalar>, batchSize: Int = 32, epochs: Int, loss: Loss = .meanSquaredError,
        optimizer: inout O, shuffleSeed: Int? = 0, progress: (TrainingProgress) -> Void = { _ in }
    ) throws -> [Double] {
        guard batchSize > 0, epochs > 0 else {
            throw DepthwiseError(.invalidArgument, "batch size and epochs must be positive, got \(batchSize) and \(epochs)")
        }
        let examples = Examples(inputs: inputs, targets: targets)
        guard let count = examples.count, count > 0 else {
            throw DepthwiseError(
                .shapeMismatch, "inputs \(inputs.shape) and targets \(targets.shape) must hold the same, non-zero number of examples")
        }
        var generator = shuffleSeed.map(SeededGenerator.init)
        let steps = (count + batchSize - 1) / batchSize
        var history = [Double]()
        for epoch in 1...epochs {
            var order = Array(0..<count)
            if generator != nil { order.shuffle(using: &generator!) }
            var total = 0.0
            for step in 1...steps {
                let chosen = order[(step - 1) * batchSize..<min(step * batchSize, count)]
                let (input, target) = try examples.batch(Array(chosen))
                total += try trainStep(input: input, target: target, loss: loss, optimizer: &optimizer)
                progress(TrainingProgress(epoch: epoch, epochs: epochs, step: step, stepsPerEpoch: steps, loss: total / Double(step)))
            }
            history.append(total / Double(steps))
        }
        return history
    }
}

/// Input/target pairs stacked along the first dimension, from which batches are gathered.
private struct Examples<Scalar: DepthwiseScalar> {
    let inputs: Tensor<Scalar>
    let targets: Tensor<Scalar>

    /// The number of examples, or `nil` if inputs and targets disagree.
    var count: Int? {
        guard let n = inputs.shape.first, inputs.rank > 0, targets.shape.first == n else { return nil }
        return n
    }

    func batch(_ indices: [Int]) throws -> (Tensor<Scalar>, Tensor<Scalar>) {
        (try gather(indices, from: inputs), try gather(indices, from: targets))
    }

    private func gather(_ indices: [Int], from tensor: Tensor<Scalar>) throws -> Tensor<Scalar> {
        let size = tensor.scalars.count / tensor.shape[0]
        var scalars = [Scalar]()
        scalars.reserveCapacity(indices.count * size)
        for index in indices { scalars += tensor.scalars[index * size..<(index + 1) * size] }
        return try Tensor(shape: [indices.count] + tensor.shape.dropFirst(), scalars: scalars)
    }
}
