"""Seed 000, "Beginner Tutorial: Neural Nets in Theano": the derivative of f(x) = exp(sin(x**2)) and an XOR
network with theta1/theta2 trained by theano.function updates, run on jaxlike.

The tutorial's code with only the imports changed (and print as a function). ``JAXLIKE_EXAMPLE_SMALL=1``
(or ``JAXLIKE_EXAMPLE_EPOCHS``) shortens the 10000 training epochs for tests.
"""
import os

import jaxlike as theano
import jaxlike.tensor as T
import jaxlike.tensor.nnet as nnet
import numpy as np

SMALL = os.environ.get("JAXLIKE_EXAMPLE_SMALL")
EPOCHS = int(os.environ.get("JAXLIKE_EXAMPLE_EPOCHS", 2000 if SMALL else 10000))

x = T.dscalar()
fx = T.exp(T.sin(x**2))
type(fx)  # just to show you that fx is a theano variable type
f = theano.function(inputs=[x], outputs=[fx])
print(f(10))

fp = T.grad(fx, wrt=x)
fprime = theano.function([x], fp)
print(fprime(15))

x = T.dvector()
y = T.dscalar()


def layer(x, w):
    b = np.array([1], dtype=theano.config.floatX)
    new_x = T.concatenate([x, b])
    m = T.dot(w.T, new_x)  # theta1: 3x3 * x: 3x1 = 3x1 ;;; theta2: 1x4 * 4x1
    h = nnet.sigmoid(m)
    return h


def grad_desc(cost, theta):
    alpha = 0.1  # learning rate
    return theta - (alpha * T.grad(cost, wrt=theta))


theta1 = theano.shared(np.array(np.random.rand(3, 3), dtype=theano.config.floatX))  # randomly initialize
theta2 = theano.shared(np.array(np.random.rand(4, 1), dtype=theano.config.floatX))

hid1 = layer(x, theta1)  # hidden layer

out1 = T.sum(layer(hid1, theta2))  # output layer
fc = (out1 - y)**2  # cost expression

cost = theano.function(inputs=[x, y], outputs=fc, updates=[
    (theta1, grad_desc(fc, theta1)),
    (theta2, grad_desc(fc, theta2))])
run_forward = theano.function(inputs=[x], outputs=out1)

inputs = np.array([[0, 1], [1, 0], [1, 1], [0, 0]]).reshape(4, 2)  # training data X
exp_y = np.array([1, 1, 0, 0])  # training data Y
cur_cost = 0
for i in range(EPOCHS):
    for k in range(len(inputs)):
        # call our Theano-compiled cost function, it will auto update weights
        cur_cost = cost(inputs[k], exp_y[k])
    if i % 500 == 0:  # only print the cost every 500 epochs/iterations (to save space)
        print('Cost: %s' % (cur_cost,))

# Training done! Let's test it out
print(run_forward([0, 1]))
print(run_forward([1, 1]))
print(run_forward([1, 0]))
print(run_forward([0, 0]))
