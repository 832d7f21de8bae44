/**
 * Node's flags for an import, as package.json's `import` script passes them and the benchmark
 * starts its import process with them (a test keeps the two alike). On two cores V8's parallel GC
 * helper threads only competed with the import's own threads: with the collector on each isolate's
 * own thread, a 100k import used 48-49 s of CPU instead of 51-54 and ran 5 % faster (medians of
 * three alternated runs: 3,625 against 3,442 articles/s). Machines with many cores may gain less.
 */
export const IMPORT_NODE_FLAGS = ['--single-threaded-gc'];
