/**
 * Node's flags for an import, as package.json's `import` script passes them and the benchmark
 * starts its import process with them (a test keeps the two alike). On two cores V8's parallel GC
 * helper threads only competed with the import's own threads: with the collector on each isolate's
 * own thread, a 100k import used 48-49 s of CPU instead of 51-54 and ran 5 % faster (medians of
 * three alternated runs: 3,625 against 3,442 articles/s). Machines with many cores may gain less.
 */
export const IMPORT_NODE_FLAGS = ['--single-threaded-gc'];

/**
 * The environment an import starts with, beside its flags. glibc's allocator asks for transparent
 * huge pages for its heaps (the kernel here grants them on request: THP "madvise"), so the
 * buffers an import allocates by the gigabyte (SQLite's page cache, typed arrays, messages between
 * threads) are faulted in 2 MB at a time rather than 4 KB: page faults cost this VM ~8 % of an
 * import's CPU. A 100k import: minor faults 529-556k → 361-387k, system time −1.3 to −2.8 s,
 * wall time lower in 7 of 7 alternated pairs (e.g. 22.9 → 19.4 s). Where glibc or THP is
 * missing the setting does nothing.
 */
export const IMPORT_ENV = { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' } as const;
