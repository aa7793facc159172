#!/usr/bin/env bash
# System parts the tests use: a virtual X desktop with AT-SPI, Tesseract,
# Chromium and Graphviz. Debian 12; run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    xvfb xauth xdotool x11-utils x11-xserver-utils openbox dbus dbus-x11 \
    at-spi2-core libatk-adaptor libatk-bridge2.0-0 gir1.2-atspi-2.0 gir1.2-gtk-3.0 \
    python3-gi-cairo libgirepository1.0-dev libcairo2-dev pkg-config \
    libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 libxcb-shape0 \
    libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libegl1 libgl1 \
    libfontconfig1 libdbus-1-3 fonts-dejavu-core \
    tesseract-ocr tesseract-ocr-eng \
    chromium chromium-driver graphviz \
    > /dev/null
