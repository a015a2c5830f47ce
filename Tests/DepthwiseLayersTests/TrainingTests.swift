import DepthwiseConvolution
import DepthwiseLayers
import Testing

@Suite struct OptimizerTests {
    /// One parameter, gradients 1 then 3, learning rate 0.1, momentum 0.9, by hand:
    /// plain: 1 → 0.9 → 0.6; momentum: v = -0.1, -0.39 → 0.9, 0.51; Nesterov: w += 0.9 v - 0.1 g → 0.81, 0.159.
    @Test(arguments: [
        (SGD(learningRate: 0.1), [0.9, 0.6]),
        (SGD(learningRate: 0.1, momentum: 0.9), [0.9, 0.51]),
        (SGD(learningRate: 0.1, momentum: 0.9, nesterov: true), [0.81, 0.159]),
    ])
    func sgdFollowsKerasUpdateRule(_ optimizer: SGD, _ expected: [Double]) {
        var optimizer = optimizer
        var w = [1.0]
        var trajectory = [Double]()
        for g in [1.0, 3.0] {
            optimizer.update(&w, gradient: [g], parameter: "w")
            trajectory.append(w[0])
        }
        #expect(zip(trajectory, expected).allSatisfy { abs($0 - $1) < 1e-12 }, "\(trajectory)")
    }

    /// Adam's first step moves each value by about the learning rate against its gradient's
    /// sign; both steps follow the bias-corrected moments.
    @Test func adamFollowsKerasUpdateRule() {
        var adam = Adam(learningRate: 0.01)
        var w = [1.0, -2.0]
        adam.update(&w, gradient: [0.5, -4], parameter: "w")
        #expect(abs(w[0] - 0.99) < 1e-6 && abs(w[1] + 1.99) < 1e-6)
        // Second value, step 1: m = 0.1 * -4 = -0.4, v = 0.001 * 16 = 0.016, rate = 0.01 * √0.001 / 0.1.
        let afterFirst = -2 + 0.01 * 0.001.squareRoot() / 0.1 * 0.4 / (0.016.squareRoot() + 1e-7)
        #expect(abs(w[1] - afterFirst) < 1e-15)
        // Step 2 with gradient 0: m = 0.9 * -0.4 = -0.36, v = 0.999 * 0.016 = 0.015984.
        adam.update(&w, gradient: [0.5, 0], parameter: "w")
        let rate = 0.01 * (1 - 0.999 * 0.999).squareRoot() / (1 - 0.81)
        #expect(abs(w[1] - (afterFirst + rate * 0.36 / (0.015984.squareRoot() + 1e-7))) < 1e-12)
    }

    @Test func parametersKeepSeparateState() {
        var sgd = SGD(learningRate: 0.1, momentum: 0.5)
        var (a, b) = ([0.0], [0.0])
        sgd.update(&a, gradient: [1], parameter: "a")
        sgd.update(&b, gradient: [1], parameter: "b")
        #expect(a == b)
    }
}

@Suite struct TrainingTests {
    /// A known answer: one NCHW channel through two filters (multiplier 2). `fit` recovers them.
    @Test func fitRecoversKnownFilters() throws {
        var truth = try DepthwiseConv2D<Float>(kernelSize: 3, padding: .same, depthMultiplier: 2, dataFormat: .nchw)
        try truth.setWeights(
            kernel: Tensor(shape: [3, 3, 1, 2], scalars: [1, 0, 2, 0, 1, 0, 2, -1, 1, 4, 1, 0, 2, 0, 1, 0, 1, 1].map { $0 / 4 }),
            bias: Tensor(shape: [2], scalars: [0.5, -0.25]))
        let inputs: Tensor<Float> = try Initializer.randomUniform(minimum: -1, maximum: 1, seed: 1).tensor(shape: [16, 1, 10, 10])
        let targets = try truth(inputs)

        var layer = try DepthwiseConv2D<Float>(
            kernelSize: 3, padding: .same, depthMultiplier: 2, dataFormat: .nchw, depthwiseInitializer: .heNormal(seed: 2))
        var adam = Adam(learningRate: 0.03)
        var steps = 0
        let history = try layer.fit(inputs: inputs, targets: targets, batchSize: 4, epochs: 40, optimizer: &adam) { _ in steps += 1 }
        #expect(steps == 40 * 4)
        #expect(history.count == 40)
        #expect(history.last! < 1e-6 && history.last! < history.first! / 1000)
        let recovered = try #require(layer.kernel).scalars + #require(layer.bias).scalars
        let expected = try #require(truth.kernel).scalars + #require(truth.bias).scalars
        #expect(zip(recovered, expected).allSatisfy { abs($0 - $1) < 1e-3 })
    }

    @Test func constraintsHoldAfterEveryStep() throws {
        var layer = try DepthwiseConv2D<Double>(
            kernelSize: 2, depthwiseInitializer: .randomNormal(standardDeviation: 1, seed: 1), depthwiseConstraint: .nonNegative,
            biasConstraint: .maxNorm(0.1, axes: [0]))
        let x: Tensor<Double> = try Initializer.randomUniform(seed: 2).tensor(shape: [4, 5, 5, 3])
        let y: Tensor<Double> = try Initializer.randomNormal(mean: 5, standardDeviation: 1, seed: 3).tensor(shape: [4, 4, 4, 3])
        var sgd = SGD(learningRate: 0.1, momentum: 0.9)
        for _ in 0..<5 {
            try layer.trainStep(input: x, target: y, optimizer: &sgd)
            #expect(try #require(layer.kernel).scalars.allSatisfy { $0 >= 0 })
            let biasNorm = try #require(layer.bias).scalars.map { $0 * $0 }.reduce(0, +).squareRoot()
            #expect(biasNorm <= 0.1 + 1e-12)
        }
    }

    @Test func frozenLayerDoesNotChange() throws {
        var layer = try DepthwiseConv2D<Float>(kernelSize: 1, depthwiseInitializer: .ones, trainable: false)
        let x = try Tensor<Float>(shape: [2, 1, 1, 1], scalars: [1, 2])
        var adam = Adam()
        let loss = try layer.trainStep(input: x, target: Tensor(zeros: [2, 1, 1, 1]), optimizer: &adam)
        #expect(loss == 2.5)  // ((1 - 0)² + (2 - 0)²) / 2
        #expect(layer.kernel?.scalars == [1])
    }

    @Test func penaltiesAddToTheTrainingLoss() throws {
        var layer = try DepthwiseConv2D<Double>(kernelSize: 1, depthwiseInitializer: .constant(2), depthwiseRegularizer: .l2(0.5))
        let x = try Tensor<Double>(shape: [1, 1, 1, 1], scalars: [1])
        var sgd = SGD(learningRate: 0.1)
        let loss = try layer.trainStep(input: x, target: Tensor(zeros: [1, 1, 1, 1]), loss: .meanAbsoluteError, optimizer: &sgd)
        #expect(loss == 2 + 0.5 * 4)
        // dL/dw = sign(2 - 0) * x + 2 * 0.5 * w = 1 + 2 = 3, so w = 2 - 0.1 * 3.
        #expect(abs(layer.kernel!.scalars[0] - 1.7) < 1e-12)
    }

    @Test func fitRejectsInconsistentArguments() throws {
        var layer = try DepthwiseConv2D<Float>(kernelSize: 1)
        var sgd = SGD()
        let x = try Tensor<Float>(zeros: [3, 2, 2, 1])
        #expect(throws: DepthwiseError.self) { try layer.fit(inputs: x, targets: x, batchSize: 0, epochs: 1, optimizer: &sgd) }
        #expect(throws: DepthwiseError.self) { try layer.fit(inputs: x, targets: x, epochs: 0, optimizer: &sgd) }
        #expect(throws: DepthwiseError.self) {
            try layer.fit(inputs: x, targets: Tensor(zeros: [2, 2, 2, 1]), epochs: 1, optimizer: &sgd)
        }
        #expect(throws: DepthwiseError.self) { try layer.fit(inputs: x, targets: Tensor(zeros: [3, 2, 2, 2]), epochs: 1, optimizer: &sgd) }
    }
}
