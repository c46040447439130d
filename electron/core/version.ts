// ClassLab's version, as package.json says (a unit test keeps the two equal): written into every lab pack.
export const CLASSLAB_VERSION = '0.1.0';
