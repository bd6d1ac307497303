/* kqltest.h -- the .kqltest runner behind `kqlite test` (docs/kqltest.md). */
#ifndef KQLTEST_H
#define KQLTEST_H

/* argv[0] is "test"; the files follow. Returns the exit code (CLI.md). */
int kqltest_main(int argc, char **argv);

#endif
