import DepthwiseConvolution

/// A loss between a prediction and its target, averaged over every element, as Keras's losses.
public enum Loss: String, Hashable, Sendable, CaseIterable {
    /// `mean((prediction - target)²)`.
    case meanSquaredError = "mean_squared_error"
    /// `mean(|prediction - target|)`.
    case meanAbsoluteError = "mean_absolute_error"

    /// The loss and its gradient with respect to each prediction element.
    ///
    /// - Throws: ``DepthwiseError`` if the shapes differ.
    public func evaluate<Scalar: DepthwiseScalar>(
        prediction: Tensor<Scalar>, target: Tensor<Scalar>
    ) throws -> (loss: Double, gradient: Tensor<Scalar>) {
        guard prediction.shape == target.shape else {
            throw DepthwiseError(.shapeMismatch, "the target must have the prediction's shape \(prediction.shape), got \(target.shape)")
        }
        let count = Double(max(prediction.scalars.count, 1))
        var loss = 0.0
        var gradient = [Scalar]()
        gradient.reserveCapacity(prediction.scalars.count)
        for (p, t) in zip(prediction.scalars, target.scalars) {
            let difference = p.doubleValue - t.doubleValue
            switch self {
            case .meanSquaredError:
                loss += difference * difference
                gradient.append(Scalar(2 * difference / count))
            case .meanAbsoluteError:
                loss += abs(difference)
                gradient.append(Scalar((difference > 0 ? 1 : (difference < 0 ? -1 : 0)) / count))
            }
        }
        return (loss / count, try Tensor(shape: prediction.shape, scalars: gradient))
    }
}
