"""A real virtual desktop for end-to-end recorder tests (Xvfb, openbox, D-Bus, AT-SPI) and its test apps."""
