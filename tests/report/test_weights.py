"""The terminal table of `gdindex weights`."""

from __future__ import annotations

import numpy as np

import gdindex
from tests.conftest import make_spec, render, table_blocks

# Saaty's classic example and its published results (Saaty 1980; RI(3) = 0.58)
SAATY = [[1, 3, 5], ["1/3", 1, 3], ["1/5", "1/3", 1]]


SAATY_NUM = np.array([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])


def ahp_by_hand(A: np.ndarray) -> tuple[list[float], float, float, float]:
    """Principal eigenvector (normalised), λmax, CI = (λ − m)/(m − 1), CR = CI/RI."""
    lam, vec = np.linalg.eig(A)
    k = int(np.argmax(lam.real))
    v = np.abs(vec[:, k].real)
    m = A.shape[0]
    lambda_max = float(lam[k].real)
    ci = (lambda_max - m) / (m - 1)
    ri = {3: 0.58, 4: 0.90, 5: 1.12}[m]
    return [float(x) for x in v / v.sum()], lambda_max, ci, ci / ri


def test_weights_table_renders_nominal_derived_and_effective() -> None:
    # arrange: in memory, without the CLI
    from gdindex.report.weights import weights_table

    tree = {
        "id": "root",
        "weights": {"method": "ahp", "matrix": SAATY},
        "children": [{"id": "a", "weight": 7}, "b", "c"],
    }
    found = gdindex.derive_weights(make_spec(["a", "b", "c"], tree))

    # act
    [block] = table_blocks(render(weights_table(found, "en")))

    # assert: one line per node; a's nominal 7, derived = effective = Saaty's w1
    w, *_ = ahp_by_hand(SAATY_NUM)
    row = next(line for line in block if " a " in line)
    cells = [c.strip() for c in row.strip("│").split("│")]
    assert cells[2:] == ["AHP", "7", f"{w[0]:.4f}", f"{w[0]:.4f}"]
    assert len([line for line in block if line.startswith("│")]) == 4
