import numpy as np
import pytest

from helpers.data.sample.allocation import allocate


def test_largest_remainder_by_hand():
    # 10 × (1/3, 1/3, 1/3) = 3.33 each: floors 3,3,3, the one left goes to the first
    assert allocate(10, np.array([1, 1, 1])).tolist() == [4, 3, 3]
    # 7 × (0.5, 0.25, 0.25) = 3.5, 1.75, 1.75 → floors 3,1,1; remainders .5,.75,.75 → +1,+1
    assert allocate(7, np.array([2, 1, 1])).tolist() == [3, 2, 2]


def test_caps_are_respected_and_total_exact():
    # 7 × (5/7, 1/7, 1/7) = 5, 1, 1 but the first is capped at 3: 2 more go to the others
    assert allocate(7, np.array([5, 1, 1]), np.array([3, 10, 10])).tolist() == [3, 2, 2]
    out = allocate(584_405, np.arange(1, 101), np.full(100, 20_000))
    assert out.sum() == 584_405 and out.max() <= 20_000


def test_impossible_and_degenerate_cases():
    with pytest.raises(ValueError, match="within caps"):
        allocate(10, np.array([1, 1]), np.array([4, 5]))
    assert allocate(0, np.array([1, 2])).tolist() == [0, 0]
    assert allocate(3, np.array([0, 0, 0])).tolist() == [1, 1, 1]
