"""Seed 002, a bare-bones Theano introduction in the style of Andrew Trask's numpy example: XOR learned by a
network with 5 sigmoid hidden units whose data (X, y) and weights (W1, W2) all live in shared variables, so
``train()`` and ``test()`` take no inputs. Squared error, learning rate 0.01, 60000 steps, run on jaxlike.

The blog post describes its code line by line; this is that code with only the imports changed.
``JAXLIKE_EXAMPLE_SMALL=1`` (or ``JAXLIKE_EXAMPLE_STEPS``) shortens the 60000 steps for tests.
"""
import os

import jaxlike as theano
import jaxlike.tensor as T
import numpy as np

SMALL = os.environ.get("JAXLIKE_EXAMPLE_SMALL")
STEPS = int(os.environ.get("JAXLIKE_EXAMPLE_STEPS", 3000 if SMALL else 60000))

X = theano.shared(value=np.asarray([[1, 0], [0, 0], [1, 1], [0, 1]]), name='X')
y = theano.shared(value=np.asarray([[1], [0], [0], [1]]), name='y')
rng = np.random.RandomState(1234)
LEARNING_RATE = 0.01


def layer(n_in, n_out):
    np_array = np.array(rng.uniform(low=-1.0, high=1.0, size=(n_in, n_out)), dtype=theano.config.floatX)
    return theano.shared(value=np_array, name='W', borrow=True)


W1 = layer(2, 5)
W2 = layer(5, 1)

output = T.nnet.sigmoid(T.dot(T.nnet.sigmoid(T.dot(X, W1)), W2))
cost = T.sum((y - output) ** 2)
updates = [(W1, W1 - LEARNING_RATE * T.grad(cost, W1)), (W2, W2 - LEARNING_RATE * T.grad(cost, W2))]

train = theano.function(inputs=[], outputs=[], updates=updates)
test = theano.function(inputs=[], outputs=[output])

for i in range(STEPS):
    if (i + 1) % 10000 == 0:
        print(i + 1)
    train()

print(test())
