"""The random optimizer cases of measure_optimizer.py (issue 16), without torch: each case an
optimizer, an implementation and the element count of every parameter tensor. A tensor count
log-uniform in 1..600, a total log-uniform in 1e4..4e8 split over the tensors with log-normal
weights (as real models mix biases and big matrices). compare_optimizer.py rebuilds the measured
cases from the same seed (one draw per case index, failed cases included)."""
import math

OPTIMIZERS = ["sgd_momentum", "adam", "adamw"]
IMPLS = ["foreach", "fused"]


def draw(rng):
    opt = rng.choice(OPTIMIZERS)
    impl = rng.choice(IMPLS)
    tensors = int(round(math.exp(rng.uniform(0.0, math.log(600)))))
    total = int(math.exp(rng.uniform(math.log(1e4), math.log(4e8))))
    w = [math.exp(rng.gauss(0.0, 2.5)) for _ in range(tensors)]
    s = sum(w)
    sizes = [max(1, int(total * x / s)) for x in w]
    return opt, impl, sizes
