#!/bin/sh
# The `classlab` command of an installed ClassLab: the app's own Electron binary run as Node on the
# bundled CLI (dist/cli.js in app.asar), so a PC needs no Node of its own. The deb links /usr/bin/classlab
# here (electron-builder-after-install.sh).
here=$(dirname "$(readlink -f "$0")")
ELECTRON_RUN_AS_NODE=1 exec "$here/../classlab-desktop" "$here/app.asar/dist/cli.js" "$@"
