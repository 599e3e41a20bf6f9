"""Seed 001's last slides: a 2-1000-1000-1 network trained on minibatches (columns are samples, biases added
with ``b.dimshuffle(0, 'x')``), float32 throughout, sigmoid or ReLU activations, run on jaxlike.

The slides train on the "Function of Miku" data (x, y -> 0/1), which cannot be downloaded here, so
``make_data`` draws a 2-D classification set with the same layout: points in [-2.5, 2.5]^2 labelled by a
figure (a disk). The network code is the slides' code with only the imports changed;
``activation`` picks the slides' sigmoid ``1/(1+T.exp(-z))`` or one of its three ReLU forms:
``T.switch(z < 0, 0, z)``, ``T.maximum(z, 0)`` and ``z * (z > 0)``.

Sizes: 1000 hidden units, batches of 1000, 100 epochs (the slides' settings). ``JAXLIKE_EXAMPLE_SMALL=1``
shrinks everything for tests; ``JAXLIKE_EXAMPLE_ACTIVATION`` chooses the activation and
``JAXLIKE_EXAMPLE_LR`` the learning rate for ``python examples/minibatch_mlp.py``.

On this synthetic figure the slides' sigmoid network at rate 0.01 learns slowly (the cost falls from 0.243
to 0.216 in the first epochs, then plateaus near the label variance); the ReLU forms learn it faster, e.g.
``JAXLIKE_EXAMPLE_ACTIVATION=relu_switch JAXLIKE_EXAMPLE_LR=0.1`` reaches 82% training accuracy in 10 epochs.
"""
import os

import jaxlike as theano
import jaxlike.tensor as T
import numpy as np
izip = zip  # Python 3: itertools.izip is the builtin zip

SMALL = bool(os.environ.get("JAXLIKE_EXAMPLE_SMALL"))
HIDDEN = 32 if SMALL else 1000
BATCH_SIZE = 100 if SMALL else 1000
DATA_SIZE = 2000 if SMALL else 20000
EPOCHS = 20 if SMALL else 100
LEARNING_RATE = float(os.environ.get("JAXLIKE_EXAMPLE_LR", 0.01))
ACTIVATIONS = ("sigmoid", "relu_switch", "relu_maximum", "relu_mask")


def make_data(data_size, seed=0):
    """(2, N) float32 points in [-2.5, 2.5]^2 and their (1, N) float32 labels: 1 inside the figure."""
    rng = np.random.RandomState(seed)
    X_all = rng.uniform(-2.5, 2.5, size=(2, data_size)).astype('float32')
    return X_all, figure(X_all).astype('float32').reshape(1, data_size)


def figure(points):
    """The figure to learn: a disk of radius 1.6 centred at the origin."""
    r = np.sqrt((points ** 2).sum(axis=0))
    return r < 1.6


def mk_batch(X_all, Y_hat_all, data_size, batch_number):
    """Shuffle the columns and cut them into batch_number minibatches."""
    order = np.random.permutation(data_size)
    X_batch = np.split(X_all[:, order], batch_number, axis=1)
    Y_hat_batch = np.split(Y_hat_all[:, order], batch_number, axis=1)
    return X_batch, Y_hat_batch


def activate(z, activation):
    if activation == "sigmoid":
        a = 1/(1+T.exp(-z))
    elif activation == "relu_switch":
        a = T.switch(z < 0, 0, z)
    elif activation == "relu_maximum":
        a = T.maximum(z, 0)
    elif activation == "relu_mask":
        a = z * (z > 0)
    else:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    return a


def init(n_out, n_in, rng, activation):
    """Glorot-uniform weights (the slides do not show their initialisation)."""
    scale = np.sqrt(6.0 / (n_in + n_out))
    return theano.shared(rng.uniform(-scale, scale, size=(n_out, n_in)).astype('float32'))


def build_network(activation="sigmoid", hidden=HIDDEN, batch_size=BATCH_SIZE, mu=LEARNING_RATE, seed=1):
    """The slides' network: returns (train, test, parameters)."""
    rng = np.random.RandomState(seed)
    x = T.matrix('input', dtype='float32')
    y_hat = T.matrix('reference', dtype='float32')
    W1, W2, W3 = (init(hidden, 2, rng, activation), init(hidden, hidden, rng, activation),
                  init(1, hidden, rng, activation))
    b1 = theano.shared(np.zeros(hidden, dtype='float32'))
    b2 = theano.shared(np.zeros(hidden, dtype='float32'))
    b3 = theano.shared(np.zeros(1, dtype='float32'))
    parameters = [W1, W2, W3, b1, b2, b3]

    z1 = T.dot(W1,x) + b1.dimshuffle(0,'x')
    a1 = activate(z1, activation)
    z2 = T.dot(W2,a1) + b2.dimshuffle(0,'x')
    a2 = activate(z2, activation)
    z3 = T.dot(W3,a2) + b3.dimshuffle(0,'x')
    y = 1/(1+T.exp(-z3))

    cost = T.sum( (y - y_hat)**2 ) / batch_size

    gradients = T.grad(cost, parameters)

    def MyUpdate(parameters, gradients):
        parameters_updates = \
            [(p, p - mu * g) for p, g in izip(parameters, gradients)]
        return parameters_updates

    train = theano.function(
        inputs=[x, y_hat],
        updates=MyUpdate(parameters, gradients),
        outputs=cost
    )

    test = theano.function(
        inputs=[x],
        outputs=y
    )
    return train, test, parameters


def training(train, X_all, Y_hat_all, epochs=EPOCHS, batch_size=BATCH_SIZE):
    """The slides' loop: a fresh shuffle into minibatches every epoch; prints the mean cost per epoch."""
    data_size = X_all.shape[1]
    batch_number = data_size // batch_size
    costs = []
    for t in range(epochs):
        cost = 0
        X_batch, Y_hat_batch \
            = mk_batch(X_all, Y_hat_all, data_size, batch_number)
        for i in range(batch_number):
            cost += train(X_batch[i], Y_hat_batch[i])
        cost /= batch_number
        print(cost)
        costs.append(float(cost))
    return costs


def picture(values, width=48, height=16):
    """ASCII rendering of a function on [-2.5, 2.5]^2 ('#' where it is above 0.5), like the slides' plots."""
    rows = []
    for r in range(height):
        rows.append("".join("#" if values[r, c] > 0.5 else "." for c in range(width)))
    return "\n".join(rows)


def grid(width=48, height=16):
    xs = np.linspace(-2.5, 2.5, width)
    ys = np.linspace(2.5, -2.5, height)
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()]).astype('float32'), (height, width)


def main(activation=None):
    activation = activation or os.environ.get("JAXLIKE_EXAMPLE_ACTIVATION", "sigmoid")
    np.random.seed(0)
    X_all, Y_hat_all = make_data(DATA_SIZE)
    print(f"Network Structure: 2-{HIDDEN}-{HIDDEN}-1, batch size: {BATCH_SIZE}, activation function: "
          f"{activation}, learning rate: {LEARNING_RATE} (fixed)")
    train, test, parameters = build_network(activation)
    costs = training(train, X_all, Y_hat_all)
    Y = test(X_all)
    accuracy = float(np.mean((Y > 0.5) == (Y_hat_all > 0.5)))
    print(f"training accuracy: {accuracy:.3f}")
    G, shape = grid()
    print("Reference")
    print(picture(figure(G).reshape(shape)))
    print("Network Output")
    print(picture(test(G).reshape(shape)))
    return costs, accuracy


if __name__ == "__main__":
    main()
