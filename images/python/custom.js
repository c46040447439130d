// ClassLab: open new notebooks, files and terminals in the same view. The notebook is embedded in
// ClassLab's window (a frame in the browser, a locked view in Electron), where new windows are refused.
require(['base/js/namespace'], function (Jupyter) {
  Jupyter._target = '_self';
});
