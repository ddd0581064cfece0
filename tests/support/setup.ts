import '../../src/cli/window-shim';
