/**
 * Imported first by every bench/…-proc.ts child: when the benchmark that
 * started it goes away (a failure, Ctrl-C), its IPC channel closes and the
 * child exits too, instead of loading the machine as an orphan.
 */
process.on('disconnect', () => process.exit(1));
