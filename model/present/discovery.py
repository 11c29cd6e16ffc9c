"""The figure of scenario discovery: each box's peeling trajectory, coverage against density.

It only reads a :class:`model.analysis.discovery.Discovery`; one panel per box, the steps coloured by how
many parameters they restrict, the threshold as a dashed line and the box kept ringed and labelled.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np

from ..analysis.discovery import SIGNIFICANT


def trajectory_figure(discovery) -> plt.Figure:
    """Coverage (share of the runs with the outcome inside the box) against density (share of the runs inside
    the box with the outcome) along each box's peeling trajectory; a box after the first is peeled from the runs
    the boxes before it left, so its trajectory starts at their share."""
    panels = max(1, len(discovery.boxes))
    fig, axes = plt.subplots(1, panels, figsize=(8.0 * panels, 6.2), squeeze=False)
    most = max((int(b.trajectory.res_dim.max()) for b in discovery.boxes), default=1)
    norm = plt.Normalize(0, max(most, 1))
    for ax, box in zip(axes[0], discovery.boxes):
        steps = box.trajectory
        ax.plot(steps.coverage, steps.density, color="0.75", lw=1, zorder=1)
        significant = (steps.quasi_p <= SIGNIFICANT) | (steps.res_dim == 0)  # the first box restricts nothing
        points = ax.scatter(steps.coverage[significant], steps.density[significant], c=steps.res_dim[significant],
                            cmap="viridis", norm=norm, s=22, zorder=2, label="every restriction significant")
        ax.scatter(steps.coverage[~significant], steps.density[~significant], c=steps.res_dim[~significant],
                   cmap="viridis", norm=norm, s=22, marker="x", alpha=0.6, zorder=2,
                   label=f"some restriction may be chance (quasi-p > {SIGNIFICANT:g})")
        kept = steps.loc[box.chosen]
        short = "" if box.density >= discovery.threshold else ", below the threshold"
        ax.scatter([kept.coverage], [kept.density], s=200, facecolors="none", edgecolors="#D55E00", lw=2, zorder=3,
                   label=f"box {box.number} kept: coverage {box.coverage:.2f}, density {box.density:.2f}, "
                         f"{len(box.restrictions)} restricted{short}")
        ax.axhline(discovery.threshold, color="#D55E00", ls="--", lw=1,
                   label=f"density threshold {discovery.threshold:.0%}")
        start = float(steps.density.iloc[0])  # the share where peeling starts: all runs, or those boxes left
        ax.axhline(start, color="0.4", ls=":", lw=1, label=f"share of the {'' if box.number == 1 else 'remaining '}"
                                                           f"runs with the outcome ({start:.0%})")
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(max(0.0, min(steps.density.min(), start) - 0.05), 1.02)
        ax.set_xlabel("coverage (share of the runs with the outcome that are inside the box)")
        ax.set_ylabel("density (share of the runs in the box with the outcome)")
        ax.set_title(f"Box {box.number}: peeling trajectory, one point per step", fontsize=11)
        ax.legend(loc="best", fontsize=8)
        fig.colorbar(points, ax=ax, label="parameters restricted", ticks=_whole_ticks(norm.vmax))
    if not discovery.boxes:
        axes[0][0].text(0.5, 0.5, "no box found", ha="center", va="center")
        axes[0][0].set_axis_off()
    title = f"Where {discovery.phrase}: scenario discovery (PRIM) over {discovery.runs:,} runs"
    fig.suptitle("\n".join(textwrap.wrap(title, 80 * panels)), fontsize=12)
    caption = "\n".join(textwrap.wrap(" ".join(discovery.sentences), 125 * panels))
    fig.text(0.01, 0.01, caption, fontsize=8, va="bottom")
    fig.tight_layout(rect=(0, 0.02 + 0.025 * (caption.count("\n") + 1), 1, 0.93))
    return fig


def _whole_ticks(top: float) -> np.ndarray:
    step = max(1, int(np.ceil(top / 8)))
    return np.arange(0, int(top) + 1, step)
