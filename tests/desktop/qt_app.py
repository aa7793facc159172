"""Qt (PySide6) test app: a push button and a line edit; needs QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1."""

import sys

from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget

app = QApplication([sys.argv[0]])
app.setApplicationName("tmqt")
app.setDesktopFileName("tmqt")
win = QWidget()
win.setWindowTitle("TM Qt Form")
win.resize(400, 200)
win.move(520, 40)
layout = QVBoxLayout(win)
button = QPushButton("Submit order")
button.setMinimumHeight(40)
edit = QLineEdit()
edit.setAccessibleName("Order number")
edit.setMinimumHeight(36)
layout.addWidget(button)
layout.addWidget(edit)
layout.addStretch(1)
win.show()
sys.exit(app.exec())
