"""Pictures for notebook 05 (regularisation): what an L1 or L2 penalty does to the weights.

* ``penalty_regions(centre, budget)``: the L1 diamond and the L2 disc of the same size, with
  the contours of a quadratic loss whose minimum lies outside them; the best point inside
  each region is marked. The diamond's corners stick out, so the best point of the L1
  region is often a corner, where one weight is 0; the disc has no corners.
* ``penalty_gradients(lam)``: each penalty and the gradient it adds, in Keras' convention
  (``L1(l1)`` is ``l1·Σ|w|``, gradient ``l1·sign(w)``; ``L2(l2)`` is ``l2·Σw²``, gradient
  ``2·l2·w``): near 0 L2's pull fades away, L1's keeps its full size.
* ``l1_paths(target, lam, lr, steps)``: one weight minimising ``½(w - target)² + lam·|w|``
  (its minimum is exactly 0 when ``|target| <= lam``) by plain (sub)gradient steps, which
  overshoot 0 and jitter around it, and by proximal (soft-threshold) steps, which land on 0.
"""

from __future__ import annotations

import numpy as np

from cnn_course_kit.plots import CourseFigure

# the quadratic loss (w - c)^T A (w - c) of penalty_regions: elliptical, tilted contours
_LOSS_MATRIX = np.array([[1.0, 0.35], [0.35, 0.7]])
_L1_COLOUR, _L2_COLOUR = "#1f77b4", "#d62728"


def _boundary_l1(budget: float, n: int = 2001) -> np.ndarray:
    """Points on |w1| + |w2| = budget, its four corners included exactly."""
    t = np.linspace(0.0, 1.0, n)
    corners = budget * np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]], dtype=float)
    sides = [a + t[:, None] * (b - a) for a, b in zip(corners[:-1], corners[1:])]
    return np.concatenate(sides)


def _boundary_l2(budget: float, n: int = 8000) -> np.ndarray:
    angle = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    return budget * np.stack([np.cos(angle), np.sin(angle)], axis=1)


def _loss(points: np.ndarray, centre: np.ndarray) -> np.ndarray:
    d = points - centre
    return np.einsum("...i,ij,...j->...", d, _LOSS_MATRIX, d)


def _label(w) -> str:
    return f"({w[0]:.2f}, {w[1]:.2f})".replace("-0.00", "0.00")


def penalty_regions(centre=(1.6, 0.9), budget: float = 1.0):
    """Draw the L1 region ``|w1| + |w2| <= budget`` and the L2 region ``w1² + w2² <= budget²``
    beside each other, with the contours of a quadratic loss centred at ``centre`` and the
    best point of each region (where a contour first touches it).

    ``centre`` must lie outside the disc (otherwise the penalty would change nothing).
    Returns the figure; its two axes are titled "L1 ..." and "L2 ...", and each marks its
    best point with a text label "best (w1, w2)".
    """
    centre = np.asarray(centre, dtype=float)
    if centre.shape != (2,) or not np.all(np.isfinite(centre)):
        raise ValueError(f"centre must be two finite numbers (w1, w2). Received: {centre!r}")
    if not np.isfinite(budget) or budget <= 0:
        raise ValueError(f"budget must be a positive number. Received: budget={budget}")
    if np.hypot(*centre) <= budget:
        raise ValueError(
            "the loss's minimum must lie outside the regions, or the penalty "
            f"changes nothing. Received: centre={tuple(centre)}, budget={budget}"
        )

    reach = max(1.6 * budget, 1.25 * float(np.abs(centre).max()) + 0.3 * budget)
    grid = np.linspace(-reach, reach, 241)
    w1, w2 = np.meshgrid(grid, grid)
    surface = _loss(np.stack([w1, w2], axis=-1), centre)

    fig = CourseFigure(figsize=(9.0, 4.4))
    axes = fig.subplots(1, 2)
    regions = [
        ("L1", _boundary_l1(budget), _L1_COLOUR, "|w1| + |w2|"),
        ("L2", _boundary_l2(budget), _L2_COLOUR, "w1² + w2²"),
    ]
    for ax, (name, edge, colour, formula) in zip(axes, regions):
        best = edge[np.argmin(_loss(edge, centre))]
        level = float(_loss(best, centre))
        ax.contour(
            w1,
            w2,
            surface,
            levels=level * np.array([0.25, 1.0, 2.0, 3.5, 5.5]),
            colors="0.45",
            linewidths=0.9,
        )
        ax.contour(w1, w2, surface, levels=[level], colors="#ff7f0e", linewidths=2.0)
        ax.fill(edge[:, 0], edge[:, 1], color=colour, alpha=0.25, lw=0)
        ax.plot(edge[:, 0], edge[:, 1], color=colour, lw=2)
        ax.plot(*centre, marker="*", ms=14, color="black", ls="none")
        ax.annotate(
            "loss minimum\n(no penalty)",
            centre,
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=8,
        )
        ax.plot(*best, marker="o", ms=8, color="black", ls="none")
        ax.annotate(
            f"best {_label(best)}",
            best,
            xytext=(-10, -22),
            textcoords="offset points",
            fontsize=9,
            fontweight="bold",
            ha="center",
            bbox={"boxstyle": "round", "fc": "white", "ec": colour},
        )
        ax.axhline(0, color="0.7", lw=0.8, zorder=0)
        ax.axvline(0, color="0.7", lw=0.8, zorder=0)
        ax.set_xlim(-reach, reach)
        ax.set_ylim(-reach, reach)
        ax.set_aspect("equal")
        ax.set_xlabel("weight w1")
        ax.set_ylabel("weight w2")
        ax.set_title(f"{name}: {formula} ≤ {budget:g}{'²' if name == 'L2' else ''}", fontsize=10)
    fig.suptitle(
        "A penalty keeps the weights in a region: the best point is where a loss "
        "contour (orange) first touches it",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def penalty_gradients(lam: float = 0.1, limit: float = 1.0):
    """Plot each penalty on one weight (left) and the gradient it adds (right), for
    ``-limit <= w <= limit``, in Keras' convention: ``L1(lam)`` is ``lam·|w|`` with gradient
    ``lam·sign(w)`` (0 at w = 0, as TensorFlow's ``sign``), ``L2(lam)`` is ``lam·w²`` with
    gradient ``2·lam·w``. Returns the figure (two axes, lines labelled "L1" and "L2")."""
    if not (np.isfinite(lam) and lam > 0):
        raise ValueError(f"lam must be a positive number. Received: lam={lam}")
    if not (np.isfinite(limit) and limit > 0):
        raise ValueError(f"limit must be a positive number. Received: limit={limit}")
    w = np.linspace(-limit, limit, 401)
    fig = CourseFigure(figsize=(9.0, 3.6))
    ax_p, ax_g = fig.subplots(1, 2)
    ax_p.plot(w, lam * np.abs(w), color=_L1_COLOUR, lw=2, label="L1")
    ax_p.plot(w, lam * w**2, color=_L2_COLOUR, lw=2, label="L2")
    ax_p.set_title(f"penalty on one weight: {lam:g}·|w| and {lam:g}·w²", fontsize=10)
    ax_p.set_ylabel("penalty added to the loss")

    # sign(w) jumps at 0: draw the two halves apart and TensorFlow's value at 0 as a dot
    for half in (w < 0, w > 0):
        ax_g.plot(
            w[half], lam * np.sign(w[half]), color=_L1_COLOUR, lw=2, label="L1" if half[0] else None
        )
    ax_g.plot([0], [0], "o", color=_L1_COLOUR, ms=6)
    ax_g.plot(w, 2 * lam * w, color=_L2_COLOUR, lw=2, label="L2")
    near = 0.1 * limit
    ax_g.annotate(
        f"at w = {near:g}: L1 still adds {lam:g},\nL2 only {2 * lam * near:.2g}",
        (near, lam),
        xytext=(0.25 * limit, -1.2 * lam),
        fontsize=8,
        arrowprops={"arrowstyle": "->", "color": "0.3"},
    )
    ax_g.set_title(f"gradient it adds: {lam:g}·sign(w) and {2 * lam:g}·w", fontsize=10)
    ax_g.set_ylabel("d penalty / dw")
    for ax in (ax_p, ax_g):
        ax.axhline(0, color="0.7", lw=0.8, zorder=0)
        ax.axvline(0, color="0.7", lw=0.8, zorder=0)
        ax.set_xlabel("weight w")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"keras.regularizers.L1({lam:g}) and L2({lam:g}) on one weight", fontsize=10)
    fig.tight_layout()
    return fig


def l1_steps(target: float, lam: float, lr: float, steps: int, w0: float = 1.0):
    """The two paths of one weight minimising ``½(w - target)² + lam·|w|``, as arrays of
    ``steps + 1`` values each: ``(subgradient, proximal)``.

    subgradient: ``w -= lr·((w - target) + lam·sign(w))`` (what Keras' optimisers do with
    an L1 regulariser); proximal: ``v = w - lr·(w - target)``, then the soft threshold
    ``w = sign(v)·max(|v| - lr·lam, 0)``.
    """
    sub, prox = [float(w0)], [float(w0)]
    for _ in range(steps):
        w = sub[-1]
        sub.append(w - lr * ((w - target) + lam * np.sign(w)))
        v = prox[-1] - lr * (prox[-1] - target)
        prox.append(float(np.sign(v) * max(abs(v) - lr * lam, 0.0)))
    return np.array(sub), np.array(prox)


def l1_paths(
    target: float = 0.03, lam: float = 0.1, lr: float = 0.3, steps: int = 30, w0: float = 1.0
):
    """Plot :func:`l1_steps`: the whole paths (left) and a close-up of the last steps near
    0 (right). With ``|target| <= lam`` the minimum is exactly w = 0: the proximal path
    reaches it and stays, the subgradient path jumps from one side of 0 to the other.
    Returns the figure (two axes, lines labelled "subgradient step" and "proximal step")."""
    if not (np.isfinite(lam) and lam > 0):
        raise ValueError(f"lam must be a positive number. Received: lam={lam}")
    if not (np.isfinite(lr) and 0 < lr <= 1):
        raise ValueError(f"lr must be in (0, 1] for these steps to converge. Received: lr={lr}")
    if not (isinstance(steps, (int, np.integer)) and 2 <= steps <= 10_000):
        raise ValueError(f"steps must be an integer from 2 to 10000. Received: steps={steps!r}")
    if not (np.isfinite(target) and np.isfinite(w0)):
        raise ValueError(f"target and w0 must be finite. Received: target={target}, w0={w0}")
    sub, prox = l1_steps(target, lam, lr, steps, w0)
    k = np.arange(steps + 1)
    fig = CourseFigure(figsize=(9.0, 3.6))
    ax_all, ax_zoom = fig.subplots(1, 2)
    last = slice(steps // 2, None)
    for ax, part in ((ax_all, slice(None)), (ax_zoom, last)):
        ax.plot(k[part], sub[part], "o-", ms=3, color=_L1_COLOUR, label="subgradient step")
        ax.plot(k[part], prox[part], "s-", ms=3, color="#2ca02c", label="proximal step")
        ax.axhline(0, color="0.4", lw=0.8, ls="--", zorder=0)
        ax.set_xlabel("step")
        ax.set_ylabel("weight w")
        ax.grid(alpha=0.3)
    ax_all.legend(fontsize=8)
    ax_all.set_title(f"minimising ½(w - {target:g})² + {lam:g}·|w|, step size {lr:g}", fontsize=10)
    ax_zoom.set_title(
        f"close-up, last {steps - steps // 2 + 1} steps: subgradient ends at "
        f"{sub[-1]:.2g},\nproximal at {prox[-1]:g}",
        fontsize=10,
    )
    fig.suptitle(
        "L1 with plain gradient steps jitters around 0; a soft-threshold step lands on 0 exactly",
        fontsize=10,
    )
    fig.tight_layout()
    return fig
