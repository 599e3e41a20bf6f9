"""Seed 001, Hung-yi Lee's "Introduction of Theano (1)": every small program of the slides, run on jaxlike.

Each slide's program is one function below holding the slide's code with only the imports changed (print as
a function, ``itertools.izip`` is Python 3's ``zip``); it returns what it computed so tests can check it.
``python examples/hungyi_lee_intro.py`` runs them all in slide order. The minibatch network of the last
slides is ``examples/minibatch_mlp.py``, the GPU slide ``examples/gpu_matmul.py``.

``JAXLIKE_EXAMPLE_SMALL=1`` (or ``JAXLIKE_EXAMPLE_XOR_ITERATIONS``) shortens the XOR gate's 100000 iterations.
"""
import os
import random

import jaxlike as theano
import jaxlike.tensor as T
import numpy
izip = zip  # Python 3: itertools.izip is the builtin zip

XOR_ITERATIONS = int(os.environ.get("JAXLIKE_EXAMPLE_XOR_ITERATIONS",
                                    2000 if os.environ.get("JAXLIKE_EXAMPLE_SMALL") else 100000))


def define_function_overview():
    """f(x) = x**2 at -2: "You should get 4"."""
    x = theano.tensor.scalar()
    y = x ** 2
    f = theano.function([x], y)

    print(f(-2))
    return f(-2)


def declare_variables():
    """Printing symbols: <TensorType(float64, scalar)>, <TensorType(float64, matrix)>, ha ha ha."""
    a = theano.tensor.scalar()
    b = theano.tensor.matrix()
    c = theano.tensor.matrix('ha ha ha')

    print(a)
    print(b)
    print(c)
    return a, b, c


def define_outputs():
    """Output variables defined from the inputs (nothing printed on the slide)."""
    x1 = T.scalar()
    x2 = T.scalar()
    x3 = T.matrix()
    x4 = T.matrix()

    y1 = x1 + x2

    y2 = x1 * x2

    y3 = x3 * x4

    y4 = T.dot(x3, x4)
    return y1, y2, y3, y4


def use_function():
    """f(2, 4) -> [array(8.0), array(6.0)]."""
    x1 = T.scalar()
    x2 = T.scalar()

    y1 = x1 * x2
    y2 = x1 ** 2 + x2 ** 0.5

    f = theano.function([x1, x2], [y1, y2])

    z = f(2, 4)
    print(z)
    return z


def matrix_examples():
    """Elementwise and matrix products: [[2, 8], [18, 32]] and [[14, 20], [30, 44], [46, 68]]."""
    a = T.matrix()
    b = T.matrix()

    c = a * b
    d = T.dot(a, b)

    F1 = theano.function([a, b], c)
    F2 = theano.function([a, b], d)

    A = [[1, 2], [3, 4]]
    B = [[2, 4], [6, 8]]
    C = [[1, 2], [3, 4], [5, 6]]

    print(F1(A, B))
    print(F2(C, B))
    return F1(A, B), F2(C, B)


def gradient_example_1():
    """g = dy/dx = 2x: f(-2) = 4, f_prime(-2) = -4."""
    x = T.scalar('x')
    y = x ** 2
    g = T.grad(y, x)

    f = theano.function([x], y)
    f_prime = theano.function([x], g)

    print(f(-2))
    print(f_prime(-2))
    return f(-2), f_prime(-2)


def gradient_example_2():
    """Gradients with respect to several variables: [x2, x1]."""
    x1 = T.scalar()
    x2 = T.scalar()

    y = x1 * x2
    g = T.grad(y, [x1, x2])

    f = theano.function([x1, x2], y)
    f_prime = theano.function([x1, x2], g)

    print(f(2, 4))
    print(f_prime(2, 4))
    return f(2, 4), f_prime(2, 4)


def gradient_example_3():
    """d sum(A * B) / dA = B."""
    A = T.matrix()
    B = T.matrix()

    C = A * B
    D = T.sum(C)

    g = T.grad(D, A)

    y_prime = theano.function([A, B], g)

    A = [[1, 2], [3, 4]]
    B = [[2, 4], [6, 8]]

    print(y_prime(A, B))
    return y_prime(A, B)


def single_neuron():
    """A neuron y = sigmoid(w.x + b) with w and b as inputs."""
    x = T.vector()
    w = T.vector()
    b = T.scalar()

    z = T.dot(w, x) + b
    y = 1 / (1 + T.exp(-z))

    neuron = theano.function(
        inputs=[x, w, b],
        outputs=[y]
    )

    w = [-1, 1]
    b = 0
    for i in range(100):
        x = [random.random(), random.random()]
        print(x)
        print(neuron(x, w, b))
    return neuron


def single_neuron_shared():
    """The same neuron with w and b as shared variables: neuron(x) reads them implicitly."""
    x = T.vector()
    w = theano.shared(numpy.array([1., 1.]))
    b = theano.shared(0.)

    z = T.dot(w, x) + b
    y = 1 / (1 + T.exp(-z))

    neuron = theano.function(
        inputs=[x],
        outputs=y
    )

    print(w.get_value())
    w.set_value([0., 0.])

    for i in range(100):
        x = [random.random(), random.random()]
        print(x)
        print(neuron(x))
    return neuron, w, b


def _neuron_and_gradients():
    x = T.vector()
    w = theano.shared(numpy.array([-1., 1.]))
    b = theano.shared(0.)

    z = T.dot(w, x) + b
    y = 1 / (1 + T.exp(-z))

    neuron = theano.function(
        inputs=[x],
        outputs=y
    )

    y_hat = T.scalar()
    cost = T.sum((y - y_hat)**2)

    dw, db = T.grad(cost, [w, b])
    return x, w, b, neuron, y_hat, dw, db


def single_neuron_training_tedious():
    """Gradient descent by hand: compute the gradients, then set_value."""
    x, w, b, neuron, y_hat, dw, db = _neuron_and_gradients()
    gradient = theano.function(
        inputs=[x, y_hat],
        outputs=[dw, db]
    )

    x = [1, -1]
    y_hat = 1
    for i in range(100):
        print(neuron(x))
        dw, db = gradient(x, y_hat)
        w.set_value(w.get_value() - 0.1 * dw)
        b.set_value(b.get_value() - 0.1 * db)
        print(w.get_value(), b.get_value())
    return w.get_value(), b.get_value()


def single_neuron_training_effective():
    """The same descent with updates= (the effective way)."""
    x, w, b, neuron, y_hat, dw, db = _neuron_and_gradients()
    gradient = theano.function(
        inputs=[x, y_hat],
        updates=[(w, w-0.1*dw), (b, b-0.1*db)]
    )

    x = [1, -1]
    y_hat = 1
    for i in range(100):
        print(neuron(x))
        gradient(x, y_hat)
        print(w.get_value(), b.get_value())
    return w.get_value(), b.get_value()


def single_neuron_training_my_update():
    """updates= built by a function returning the (parameter, new value) pairs."""
    x, w, b, neuron, y_hat, dw, db = _neuron_and_gradients()

    def MyUpdate(parameters, gradients):
        mu = 0.1
        parameters_updates = \
            [(p, p - mu * g) for p, g in izip(parameters, gradients)]
        return parameters_updates

    gradient = theano.function(
        inputs=[x, y_hat],
        updates=MyUpdate([w, b], [dw, db])
    )

    x = [1, -1]
    y_hat = 1
    for i in range(100):
        print(neuron(x))
        gradient(x, y_hat)
        print(w.get_value(), b.get_value())
    return w.get_value(), b.get_value()


def xor_gate(iterations=None):
    """Three neurons simulating XOR, trained with cross-entropy and MyUpdate."""
    iterations = XOR_ITERATIONS if iterations is None else iterations
    x = T.vector()
    w1 = theano.shared(numpy.random.randn(2))
    b1 = theano.shared(numpy.random.randn(1))
    w2 = theano.shared(numpy.random.randn(2))
    b2 = theano.shared(numpy.random.randn(1))
    w = theano.shared(numpy.random.randn(2))
    b = theano.shared(numpy.random.randn(1))

    a1 = 1 / (1 + T.exp(-1 * (T.dot(w1, x) + b1)))
    a2 = 1 / (1 + T.exp(-1 * (T.dot(w2, x) + b2)))
    y = 1 / (1 + T.exp(-1 * (T.dot(w, [a1, a2]) + b)))

    y_hat = T.scalar()
    cost = - (y_hat*T.log(y) + (1-y_hat)*T.log(1-y)) .sum()

    dw, db, dw1, db1, dw2, db2 = T.grad(cost, [w, b, w1, b1, w2, b2])

    def MyUpdate(parameters, gradients):
        mu = 0.01
        parameters_updates = \
            [(p, p-mu*g) for p, g in izip(parameters, gradients)]
        return parameters_updates

    g = theano.function(
        inputs=[x, y_hat],
        outputs=[y, cost],
        updates=MyUpdate([w, b, w1, b1, w2, b2], [dw, db, dw1, db1, dw2, db2])
    )

    for i in range(iterations):
        y1, c1 = g([0, 0], 0)
        y2, c2 = g([0, 1], 1)
        y3, c3 = g([1, 0], 1)
        y4, c4 = g([1, 1], 0)
        print(c1+c2+c3+c4)
        print(y1, y2, y3, y4)
    return (y1, y2, y3, y4), c1+c2+c3+c4


def main():
    for slide in (define_function_overview, declare_variables, define_outputs, use_function, matrix_examples,
                  gradient_example_1, gradient_example_2, gradient_example_3, single_neuron,
                  single_neuron_shared, single_neuron_training_tedious, single_neuron_training_effective,
                  single_neuron_training_my_update, xor_gate):
        print(f"# --- {slide.__name__}: {slide.__doc__.splitlines()[0]}")
        slide()


if __name__ == "__main__":
    main()
