"""Colour maths for the palette tests (numpy only): sRGB ↔ linear RGB, the colour-vision-deficiency
simulation of Machado, Oliveira & Fernandes (2009) at severity 1.0, CIELAB (D65) and the CIEDE2000 difference
(Sharma, Wu & Dalal 2005).

>>> round(delta_e_2000((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485)), 4)   # Sharma et al., pair 1
2.0425
>>> [round(v) for v in simulate("#FF0000", "protanopia")]                     # red: a dark olive
[109, 95, 0]
"""
from __future__ import annotations

import numpy as np

# Machado et al. 2009, table 2, severity 1.0: applied to linear RGB.
DEFICIENCIES = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
# sRGB (linear) to CIE XYZ, D65 white (IEC 61966-2-1).
RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                       [0.2126729, 0.7151522, 0.0721750],
                       [0.0193339, 0.1191920, 0.9503041]])
WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


def hex_to_linear(colour: str) -> np.ndarray:
    """``#rrggbb`` as linear RGB in 0..1 (the sRGB transfer curve undone)."""
    srgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def linear_to_srgb255(linear: np.ndarray) -> np.ndarray:
    """Linear RGB (clipped to 0..1, as a screen shows it) as sRGB in 0..255."""
    linear = np.clip(linear, 0.0, 1.0)
    return 255 * np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def simulate(colour: str, deficiency: str) -> np.ndarray:
    """How ``colour`` looks with ``deficiency`` (a key of :data:`DEFICIENCIES`), as sRGB 0..255."""
    return linear_to_srgb255(DEFICIENCIES[deficiency] @ hex_to_linear(colour))


def to_lab(colour: str, deficiency: str | None = None) -> np.ndarray:
    """CIELAB (D65) of ``colour``, as seen with ``deficiency`` (None: normal vision)."""
    linear = hex_to_linear(colour)
    if deficiency:
        linear = np.clip(DEFICIENCIES[deficiency] @ linear, 0.0, 1.0)
    t = RGB_TO_XYZ @ linear / WHITE_D65
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e_2000(lab1, lab2) -> float:
    """The CIEDE2000 colour difference of two CIELAB colours (kL = kC = kH = 1)."""
    l1, a1, b1 = (float(v) for v in lab1)
    l2, a2, b2 = (float(v) for v in lab2)
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360 if c2p else 0.0
    if c1p * c2p == 0:
        dhp = 0.0
    elif abs(h2p - h1p) <= 180:
        dhp = h2p - h1p
    else:
        dhp = h2p - h1p - 360 if h2p - h1p > 180 else h2p - h1p + 360
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dhp / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_mean = (h1p + h2p) / 2
    else:
        hp_mean = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(hp_mean - 30)) + 0.24 * np.cos(np.radians(2 * hp_mean))
         + 0.32 * np.cos(np.radians(3 * hp_mean + 6)) - 0.20 * np.cos(np.radians(4 * hp_mean - 63)))
    d_theta = 30 * np.exp(-(((hp_mean - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_mean ** 7 / (cp_mean ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return float(np.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2
                         + r_t * (d_c / s_c) * (d_h / s_h)))


def difference(a: str, b: str, deficiency: str | None = None) -> float:
    """CIEDE2000 between two ``#rrggbb`` colours as seen with ``deficiency`` (None: normal vision)."""
    return delta_e_2000(to_lab(a, deficiency), to_lab(b, deficiency))
